/**
 * The harness of the DataFrame-method differential tests: the same tables on both sides (3
 * input partitions each), a case is a sparkfn DataFrame and the PySpark method chain that
 * should answer the same (SparkOracle.chain). Results are compared column by column (names
 * and Spark's type names) and row by row as multisets; a call Spark refuses must be refused
 * by sparkfn too.
 */
import { afterAll, beforeAll, expect } from "vitest";
import { SparkSession, type DataFrame } from "sparkfn";
import { parseDdlSchema, type Value } from "../../shared/plan/types.ts";
import { positional, sameValue, show, sparkTypeName } from "./spark-differential.ts";
import { SparkOracle, type ChainStep, type ChainTable, type SparkValue } from "./spark-oracle.ts";

export interface ChainCase {
  readonly name: string;
  readonly sparkfn: (df: DataFrame, tables: Record<string, DataFrame>) => DataFrame;
  readonly spark: readonly ChainStep[];
}

export const chainCase = (name: string, sparkfn: ChainCase["sparkfn"], ...spark: ChainStep[]): ChainCase => ({ name, sparkfn, spark });

export type ChainAnswer = { kind: "refused"; message: string } | { kind: "frame"; columns: string[]; rows: SparkValue[][] };

export interface ChainDifferential {
  readonly spark: () => SparkSession;
  readonly oracle: () => SparkOracle;
  readonly tables: Record<string, ChainTable>;
  /** sparkfn's DataFrames of the tables, by name (`df` is the one chains start from). */
  readonly frames: Record<string, DataFrame>;
  sparkfnAnswer(df: DataFrame): Promise<ChainAnswer>;
  sparkAnswer(steps: readonly ChainStep[]): Promise<ChainAnswer>;
  /** Every case answers as Spark does. */
  agree(cases: readonly ChainCase[]): Promise<void>;
}

const key = (row: readonly SparkValue[]) => row.map(show).join(" | ");

/** Rows equal as multisets (or in order), each value by the differential tests' rule. */
export function expectSameRows(spark: readonly SparkValue[][], sparkfn: readonly SparkValue[][], ordered: boolean, what: string): void {
  const sort = (rows: readonly SparkValue[][]) => (ordered ? [...rows] : [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)));
  const [a, b] = [sort(spark), sort(sparkfn)];
  const differ = a.length !== b.length || a.some((row, i) => row.length !== b[i]!.length || row.some((v, j) => !sameValue(v, b[i]![j]!)));
  if (differ) expect.fail(`${what}: rows differ\nSpark:   ${a.map(key).join("\n         ")}\nsparkfn: ${b.map(key).join("\n         ")}`);
}

/** Sets up a local[1] session and the oracle around a describe block, with these tables (DDL schema and rows). */
export function useChainDifferential(appName: string, sources: Record<string, { readonly schema: string; readonly rows: readonly Value[][] }>): ChainDifferential {
  let spark: SparkSession;
  let oracle: SparkOracle;
  const tables: Record<string, ChainTable> = {};
  const frames: Record<string, DataFrame> = {};

  beforeAll(async () => {
    [spark, oracle] = await Promise.all([
      SparkSession.builder().appName(appName).master("local[1]").config("spark.default.parallelism", "3").getOrCreate(),
      SparkOracle.connect(),
    ]);
    for (const [name, { schema, rows }] of Object.entries(sources)) {
      tables[name] = { fields: parseDdlSchema(schema).fields, rows: rows as Value[][], partitions: 3 };
      frames[name] = spark.createDataFrame(rows as Value[][], schema);
    }
  });

  afterAll(async () => {
    oracle?.close();
    await spark?.stop();
  });

  async function sparkfnAnswer(df: DataFrame): Promise<ChainAnswer> {
    let schema;
    try {
      schema = await df.schema();
    } catch (error) {
      return { kind: "refused", message: (error as Error).message };
    }
    const rows = await df.collect();
    return { kind: "frame", columns: schema.fields.map((f) => `${f.name}: ${sparkTypeName(f.type)}`), rows: rows.map((r) => schema.fields.map((f) => positional(r[f.name] ?? null))) };
  }

  async function sparkAnswer(steps: readonly ChainStep[]): Promise<ChainAnswer> {
    const answer = await oracle.chain(tables, steps);
    if (answer.kind === "refused") return { kind: "refused", message: `${answer.failure.errorClass}: ${answer.failure.message}` };
    if (answer.kind !== "frame") throw new Error(`expected a DataFrame from ${JSON.stringify(steps)}, got ${answer.kind}`);
    return { kind: "frame", columns: answer.columns.map((col) => `${col.name}: ${col.type}`), rows: answer.rows.map((r) => [...r]) };
  }

  async function agree(cases: readonly ChainCase[]): Promise<void> {
    // Spark's answers, all asked for at once (the oracle answers two at a time), awaited in turn.
    const answers = cases.map(({ spark: steps }) => sparkAnswer(steps));
    for (const answer of answers) answer.catch(() => undefined);
    for (const [k, { name, sparkfn }] of cases.entries()) {
      // A call refused as it is made (PySpark's checks of arguments) is refused too.
      const built = (() => {
        try {
          return sparkfn(frames.df!, frames);
        } catch (error) {
          return { kind: "refused" as const, message: (error as Error).message };
        }
      })();
      const [expected, got] = await Promise.all([answers[k]!, "kind" in built ? built : sparkfnAnswer(built)]);
      if (expected.kind === "refused" || got.kind === "refused") {
        // Both refuse (the messages are each engine's own), or the test names what differs.
        const said = (x: ChainAnswer) => (x.kind === "refused" ? `refused: ${x.message}` : `rows: ${x.rows.map(key).join("; ")}`);
        expect(got.kind, `${name}: Spark ${said(expected)}\nsparkfn ${said(got)}`).toBe(expected.kind);
        continue;
      }
      expect(got.columns, name).toEqual(expected.columns);
      expectSameRows(expected.rows, got.rows, false, name);
    }
  }

  return { spark: () => spark, oracle: () => oracle, tables, frames, sparkfnAnswer, sparkAnswer, agree };
}
