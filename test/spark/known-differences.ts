/**
 * Where sparkfn knowingly gives another answer than Spark 4 (the differential tests in
 * test/spark/ accept a disagreement only when an entry here explains it). Each entry says
 * why; keep the list short, and remove an entry when sparkfn adopts Spark's behaviour.
 */
import type { SparkValue } from "../support/spark-oracle.ts";
import { SparkFailure, SparkLong } from "../support/spark-oracle.ts";
import type { Value } from "../../shared/plan/types.ts";

/** One way the two sides differed on one check. */
export interface Disagreement {
  /** The check's Spark SQL text. */
  readonly sql: string;
  /**
   * `refused`: one side refused the expression at analysis (the other gives its result type);
   * `type`: the result types differ (Spark's simpleString names on both sides);
   * `value`: the values differ on `row` (a SparkFailure for a failure on that row).
   */
  readonly what: "refused" | "type" | "value";
  readonly row: readonly Value[] | null;
  readonly spark: SparkValue;
  readonly sparkfn: SparkValue;
}

export interface KnownDifference {
  readonly reason: string;
  readonly explains: (d: Disagreement) => boolean;
}

const refusedBySparkfn = (d: Disagreement, message: RegExp) => d.what === "refused" && d.sparkfn instanceof SparkFailure && message.test(d.sparkfn.message) && typeof d.spark === "string";

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    reason:
      "negative zero: sparkfn's computed doubles never carry -0.0 (JSON, the lambda master's wire format, cannot hold it, so both masters agree; see shared/plan/semantics.ts); Spark gives -0.0",
    explains: (d) => d.what === "value" && Object.is(d.spark, -0) && Object.is(d.sparkfn, 0),
  },
  {
    reason:
      "longs beyond 2^53: sparkfn's longs are doubles (shared/batch/vector.ts), so floor/ceil of a double beyond the long range give the nearest double (2^63) where Spark saturates to 9223372036854775807",
    explains: (d) => d.what === "value" && d.spark instanceof SparkLong && d.spark.nearest === d.sparkfn,
  },
  {
    reason:
      "implicit string-to-number coercion: Spark 4 casts a string argument of a math function to double (and a string beside numbers in nvl/nvl2/coalesce to bigint or double); sparkfn asks for cast() until the casts step of issue 15",
    explains: (d) => refusedBySparkfn(d, /is string, expected a number|values have different types \(.*string/),
  },
  {
    reason:
      "implicit casts into string functions: Spark 4 casts an int, date or boolean argument of a string function to string (and a string position or count to int); sparkfn asks for cast() until the casts step of issue 15",
    explains: (d) => refusedBySparkfn(d, /^\w+\(\): argument \d+ \(.*\) is \w+, expected (an int|a string)\./),
  },
];
