/**
 * Interval columns in Parquet between sparkfn and Spark 4: Spark reads what sparkfn wrote (an
 * INT64 of microseconds, an INT32 of months, Spark's schema in the file's metadata) as the
 * same intervals, and sparkfn reads what Spark wrote. Both sides read the same directories.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, expect, it } from "vitest";
import { expectSameRows, useChainDifferential } from "../../support/chain-differential.ts";

const d = useChainDifferential("parquet-intervals", { df: { schema: "n INT", rows: [[1]] } });
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

const VALUES =
  "SELECT * FROM VALUES (interval '3 04:05:06.789' day to second, interval '1-2' year to month, interval '7' day, 1), " +
  "(interval '-1 02:03:04.5' day to second, interval '-0-5' year to month, interval '-2' day, 2), (null, null, null, 3) AS t(d, y, e, n)";

it("reads the intervals each engine wrote to Parquet as the other wrote them", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "sparkfn-parquet-intervals-"));
  dirs.push(dir);
  const ours = path.join(dir, "sparkfn");
  const theirs = path.join(dir, "spark");
  await d.spark().sql(VALUES).write.parquet(ours);
  const written = await d.sparkAnswer([["$sql", [`INSERT OVERWRITE DIRECTORY '${theirs}' USING parquet ${VALUES}`]]]);
  expect(written.kind).toBe("frame");
  for (const [who, where] of [["sparkfn", ours], ["Spark", theirs]] as const) {
    // PySpark cannot collect a year-month interval: its months are compared, and its type with no rows.
    const [spark, sparkfn, sparkTypes, sparkfnTypes] = await Promise.all([
      d.sparkAnswer([["$sql", [`SELECT d, CAST(y AS INT) AS y, e, n FROM parquet.\`${where}\``]]]),
      d.sparkfnAnswer(d.spark().read.parquet(where).selectExpr("d", "CAST(y AS INT) AS y", "e", "n")),
      d.sparkAnswer([["$sql", [`SELECT * FROM parquet.\`${where}\` LIMIT 0`]]]),
      d.sparkfnAnswer(d.spark().read.parquet(where).limit(0)),
    ]);
    if (spark.kind !== "frame" || sparkfn.kind !== "frame") throw new Error(`the file ${who} wrote: Spark ${JSON.stringify(spark)}, sparkfn ${JSON.stringify(sparkfn)}`);
    expect(sparkfn.columns, `the file ${who} wrote`).toEqual(spark.columns);
    expectSameRows(spark.rows, sparkfn.rows, false, `the file ${who} wrote`);
    const types = { kind: "frame", columns: ["d: interval day to second", "y: interval year to month", "e: interval day", "n: int"], rows: [] };
    expect(sparkTypes, `Spark reading the file ${who} wrote`).toEqual(types);
    expect(sparkfnTypes, `sparkfn reading the file ${who} wrote`).toEqual(types);
  }
});
