/**
 * Differential checks against real Spark (the `spark` test project, test/spark/): each check
 * is one function call written twice, as Spark SQL text for the oracle (PySpark, see
 * spark-oracle.ts) and as a sparkfn Column, run over the same table on both (sparkfn on a
 * local[1] session, through createDataFrame and select). Per expression, the result types
 * must be equal, both sides must accept or both refuse it at analysis, and per row the values
 * must be equal, or both sides fail on that row with the same Spark error class (sparkfn's
 * run-time errors start with Spark's `[CLASS]`).
 *
 * Equal means identical (Object.is: NaN equals NaN, -0.0 differs from 0.0) unless a check
 * allows `ulps`: then two finite non-zero doubles may differ by that many units in the last
 * place of the larger, for transcendental functions, where Spark calls java.lang.Math (whose
 * JIT intrinsics may differ from fdlibm by 1 ulp) and V8 its own fdlibm port.
 *
 * A disagreement is accepted only when an entry of test/spark/known-differences.ts explains
 * it; everything else fails the test with a listing of every unexplained disagreement.
 */
import { afterAll, beforeAll, expect } from "vitest";
import { col, SparkSession, unix_micros, type Column } from "sparkfn";
import type { RowValue } from "../../driver/api/rows.ts";
import { TaskFailedError } from "../../driver/errors.ts";
import { AnalysisError } from "../../shared/plan/resolve.ts";
import { parseDdlSchema, simpleTypeName, type DataType, type Field, type Value } from "../../shared/plan/types.ts";
import { KNOWN_DIFFERENCES, type Disagreement } from "../spark/known-differences.ts";
import { binaryOf, SparkFailure, SparkLong, SparkOracle, SparkOther, type SparkGroupedResult, type SparkResult, type SparkValue } from "./spark-oracle.ts";

export interface Check {
  /** The call as Spark SQL text (a sparkfn double literal is `2.5D` in SQL, where `2.5` is a decimal). */
  readonly sql: string;
  /** The same call through sparkfn's API. */
  readonly column: Column;
  /** Units in the last place two doubles may differ by (transcendental functions); 0 = identical. */
  readonly ulps?: number;
}

/** `a + b`, `a - b`, `a * b`, `a / b`, `a % b` of two columns, as SQL text and Column. */
export const arithmeticChecks = (a: string, b: string): Check[] => [
  { sql: `${a} + ${b}`, column: col(a).plus(col(b)) },
  { sql: `${a} - ${b}`, column: col(a).minus(col(b)) },
  { sql: `${a} * ${b}`, column: col(a).multiply(col(b)) },
  { sql: `${a} / ${b}`, column: col(a).divide(col(b)) },
  { sql: `${a} % ${b}`, column: col(a).mod(col(b)) },
];

export interface Table {
  /** DDL of the columns, as createDataFrame takes it ("i INT, d DOUBLE"). */
  readonly schema: string;
  readonly rows: readonly (readonly Value[])[];
}

export interface Report {
  /** Values (and refusals) that agreed. */
  compared: number;
  /** Of those, doubles equal only within the check's ulps, counted by check. */
  readonly approximate: Map<string, number>;
  /** Disagreements explained by known-differences.ts, counted by reason. */
  readonly known: Map<string, number>;
  readonly unexplained: Disagreement[];
}

/** Spark's name of a sparkfn type (DataType.simpleString): `decimal(10,2)`, `array<bigint>`, `struct<a:int>`. */
export function sparkTypeName(t: DataType): string {
  return simpleTypeName(t);
}

const ROW = "__row";

/**
 * A timestamp_ntz as collect() gives it ("2024-03-10T02:30:00.5") as the oracle sends Spark's:
 * the wall clock's microseconds as if UTC (read here with Date.parse, not sparkfn's parser).
 */
export function ntzMicros(v: SparkValue): SparkValue {
  if (typeof v !== "string") return v;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/.exec(v);
  if (!m) return v;
  return Date.parse(`${m[1]}Z`) * 1000 + Number((m[2] ?? "").padEnd(6, "0"));
}

type SparkfnResult = { readonly kind: "refused"; readonly failure: SparkFailure } | { readonly kind: "values"; readonly type: string; values: SparkValue[] };

/** A run-time failure of a sparkfn job as Spark would name it: `[CLASS] message`. */
function failureOf(error: unknown): SparkFailure {
  if (!(error instanceof TaskFailedError)) throw error;
  return new SparkFailure(/^\[([A-Z0-9_.]+)\]/.exec(error.reason)?.[1] ?? `sparkfn ${error.type}`, error.reason);
}

/** A collected value as the oracle sends Spark's: a struct (collected as an object) as its field values in order, all the way down. */
export function positional(v: RowValue): Value {
  // A binary value as the oracle tags Spark's (compared by sameValue).
  if (v instanceof Uint8Array) return binaryOf(v) as unknown as Value;
  if (Array.isArray(v)) return v.map(positional);
  if (v instanceof Map) return [[...v.keys()].map(positional), [...v.values()].map(positional)];
  if (v !== null && typeof v === "object" && !(v instanceof Date)) return Object.values(v).map(positional);
  return v as Value;
}

async function collectColumn(df: ReturnType<SparkSession["createDataFrame"]>, column: Column): Promise<Value[]> {
  const rows = await df.select(col(ROW), column.alias("v")).collect();
  return rows.sort((a, b) => (a[ROW] as number) - (b[ROW] as number)).map((r) => positional(r.v as RowValue));
}

/**
 * sparkfn's answers, as the oracle finds Spark's: one query for all checks while nothing fails;
 * when one fails, halves of the checks until each failing check is alone, then halves of its
 * rows until each error is on a row of its own (a few jobs per failing row, not one per row).
 */
async function sparkfnResults(spark: SparkSession, fields: readonly Field[], rows: readonly (readonly Value[])[], checks: readonly Check[]): Promise<SparkfnResult[]> {
  const schema = { fields: [{ name: ROW, type: "int" as const, nullable: false }, ...fields] };
  const numbered = rows.map((r, i) => [i, ...r]);
  const df = spark.createDataFrame(numbered, schema);
  const results: SparkfnResult[] = [];
  // A timestamp collects as a Date (milliseconds): compare its microseconds instead, as the oracle sends them.
  const raw: Column[] = [];
  // A timestamp_ntz collects as its ISO text: compared as its microseconds too (ntzMicros).
  const ntz: boolean[] = [];
  for (const check of checks) {
    raw.push(check.column);
    ntz.push(false);
    try {
      const typed = await df.select(check.column).schema();
      if (typed.fields[0]!.type === "timestamp") raw[raw.length - 1] = unix_micros(check.column);
      ntz[ntz.length - 1] = typed.fields[0]!.type === "timestamp_ntz";
      results.push({ kind: "values", type: sparkTypeName(typed.fields[0]!.type), values: [] });
    } catch (error) {
      if (!(error instanceof AnalysisError)) throw error;
      results.push({ kind: "refused", failure: new SparkFailure("AnalysisError", error.message) });
    }
  }
  const fill = (j: number, values: SparkValue[]) => ((results[j] as Extract<SparkfnResult, { kind: "values" }>).values = ntz[j] ? values.map(ntzMicros) : values);
  const solve = async (js: readonly number[]): Promise<void> => {
    try {
      const out = await df.select(col(ROW), ...js.map((j) => raw[j]!.alias(`e${j}`))).collect();
      out.sort((a, b) => (a[ROW] as number) - (b[ROW] as number));
      for (const j of js) fill(j, out.map((r) => positional(r[`e${j}`] as RowValue)));
      return;
    } catch (error) {
      failureOf(error);
    }
    if (js.length > 1) {
      const half = Math.ceil(js.length / 2);
      await solve(js.slice(0, half));
      await solve(js.slice(half));
      return;
    }
    const values: SparkValue[] = new Array(numbered.length);
    await bisect(raw[js[0]!]!, numbered.map((_, i) => i), values);
    fill(js[0]!, values);
  };
  /** One failing check's values on rows `ids`: all at once, or halves until each error is alone. */
  const bisect = async (column: Column, ids: readonly number[], values: SparkValue[]): Promise<void> => {
    try {
      const got = await collectColumn(spark.createDataFrame(ids.map((i) => numbered[i]!), schema), column);
      ids.forEach((i, k) => (values[i] = got[k]!));
      return;
    } catch (error) {
      if (ids.length === 1) {
        values[ids[0]!] = failureOf(error);
        return;
      }
      failureOf(error);
    }
    const half = Math.ceil(ids.length / 2);
    await bisect(column, ids.slice(0, half), values);
    await bisect(column, ids.slice(half), values);
  };
  await solve(checks.flatMap((_, j) => (results[j]!.kind === "values" ? [j] : [])));
  return results;
}

/** The distance of x to the next double away from zero. */
function ulp(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0) - Math.abs(x);
}

function withinUlps(a: number, b: number, ulps: number): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === 0 || b === 0 || Math.sign(a) !== Math.sign(b)) return false;
  return Math.abs(a - b) <= ulps * ulp(Math.max(Math.abs(a), Math.abs(b)));
}

export function sameValue(spark: SparkValue, sparkfn: SparkValue, ulps = 0): boolean {
  if (spark instanceof SparkFailure || sparkfn instanceof SparkFailure) {
    return spark instanceof SparkFailure && sparkfn instanceof SparkFailure && spark.errorClass === sparkfn.errorClass;
  }
  if (typeof spark === "number" && typeof sparkfn === "number") return Object.is(spark, sparkfn) || (ulps > 0 && withinUlps(spark, sparkfn, ulps));
  if (Array.isArray(spark) && Array.isArray(sparkfn)) return spark.length === sparkfn.length && spark.every((v, i) => sameValue(v, sparkfn[i], ulps));
  if (spark instanceof SparkOther) return spark.equals(sparkfn);
  return spark === sparkfn;
}

export function show(v: unknown): string {
  if (typeof v === "number") return Object.is(v, -0) ? "-0.0" : String(v);
  if (v instanceof SparkFailure || v instanceof SparkLong) return v.toString();
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  return String(v);
}

function describe(d: Disagreement): string {
  const row = d.row ? ` on row (${d.row.map(show).join(", ")})` : "";
  return `${d.sql}${row} [${d.what}]: Spark ${show(d.spark)}, sparkfn ${show(d.sparkfn)}`;
}

export class Differential {
  constructor(
    private readonly spark: SparkSession,
    private readonly oracle: SparkOracle,
    /** Session settings both sides run under (the oracle's for this request only). */
    private readonly conf?: Readonly<Record<string, string>>,
  ) {}

  /** Runs every check over the table on both sides and sorts the outcomes. */
  async run(table: Table, checks: readonly Check[], report: Report = newReport()): Promise<Report> {
    const fields = parseDdlSchema(table.schema).fields;
    // sparkfn first (it is quick): its failing rows tell Spark which rows to run one at a time.
    const ours = await sparkfnResults(this.spark, fields, table.rows, checks);
    const failing = ours.map((r) => (r.kind === "values" ? r.values.flatMap((v, i) => (v instanceof SparkFailure ? [i] : [])) : []));
    const theirs = await this.oracle.evaluate(fields, table.rows, checks.map((c) => c.sql), this.conf, failing);
    const disagree = (d: Disagreement) => {
      const known = KNOWN_DIFFERENCES.find((k) => k.explains(d));
      if (known) report.known.set(known.reason, (report.known.get(known.reason) ?? 0) + 1);
      else report.unexplained.push(d);
    };
    checks.forEach((check, j) => {
      const spark: SparkResult = theirs[j]!;
      const sparkfn = ours[j]!;
      if (spark.kind === "refused" || sparkfn.kind === "refused") {
        if (spark.kind === sparkfn.kind) report.compared++;
        else disagree({ sql: check.sql, what: "refused", row: null, spark: spark.kind === "refused" ? spark.failure : spark.type, sparkfn: sparkfn.kind === "refused" ? sparkfn.failure : sparkfn.type });
        return;
      }
      if (spark.type !== sparkfn.type) disagree({ sql: check.sql, what: "type", row: null, spark: spark.type, sparkfn: sparkfn.type });
      table.rows.forEach((row, i) => {
        const [a, b] = [spark.values[i]!, sparkfn.values[i]!];
        if (sameValue(a, b, check.ulps)) {
          report.compared++;
          if (!sameValue(a, b)) report.approximate.set(check.sql, (report.approximate.get(check.sql) ?? 0) + 1);
        } else disagree({ sql: check.sql, what: "value", row, spark: a, sparkfn: b });
      });
    });
    return report;
  }
}

export function newReport(): Report {
  return { compared: 0, approximate: new Map(), known: new Map(), unexplained: [] };
}

/** Fails with every unexplained disagreement, one a line. */
export function assertAgreement(report: Report): void {
  if (report.unexplained.length === 0) return;
  const lines = report.unexplained.slice(0, 60).map(describe);
  const more = report.unexplained.length > 60 ? `\n... and ${report.unexplained.length - 60} more` : "";
  throw new Error(`${report.unexplained.length} disagreement(s) with Spark that test/spark/known-differences.ts does not explain:\n${lines.join("\n")}${more}`);
}

/** The known differences a run met, one a line (for the log). */
export function summary(report: Report): string {
  const approximate = [...report.approximate].map(([sql, n]) => `${sql}: ${n}`).join(", ");
  return [`${report.compared} agreed${approximate ? ` (within ulps: ${approximate})` : ""}`, ...[...report.known].map(([reason, n]) => `${n} known: ${reason}`)].join("\n");
}

/**
 * A test file's differential runner: a local[1] sparkfn session and an oracle connection for
 * the file; `agree(table, checks)` runs the checks and fails on any unexplained disagreement.
 */
export function useDifferential(conf?: Readonly<Record<string, string>>): { agree(table: Table, checks: readonly Check[]): Promise<Report>; readonly calls: Set<string> } {
  let session: SparkSession;
  let oracle: SparkOracle;
  const calls = new Set<string>();
  beforeAll(async () => {
    const builder = SparkSession.builder().appName("spark-differential").master("local[1]");
    for (const [key, value] of Object.entries(conf ?? {})) builder.config(key, value);
    [session, oracle] = await Promise.all([builder.getOrCreate(), SparkOracle.connect()]);
    // Failing rows are part of the checks: the driver need not log each failed task.
    session.sparkContext.setLogLevel("OFF");
  });
  afterAll(async () => {
    oracle?.close();
    await session?.stop();
  });
  return {
    calls,
    async agree(table, checks) {
      for (const c of checks) if (c.column.expr.kind === "call") calls.add(c.column.expr.fn);
      const report = await new Differential(session, oracle, conf).run(table, checks);
      if (process.env.SPARKFN_SPARK_LOG) console.info(summary(report));
      assertAgreement(report);
      expect(report.compared).toBeGreaterThan(0);
      return report;
    },
  };
}

// ---- grouped aggregates ------------------------------------------------------------------

/**
 * One aggregate written twice: Spark SQL (`stddev(d)`) and sparkfn's Column (`stddev("d")`).
 * `unordered`: the values are arrays whose order Spark does not define (collect_set's is its
 * hash set's; collect_list's follows the order partial states merge in): both sides' arrays
 * are compared sorted.
 */
export interface AggCheck {
  readonly sql: string;
  readonly column: Column;
  readonly ulps?: number;
  readonly unordered?: boolean;
}

export interface GroupedTable extends Table {
  /** Grouping columns; [] for a global aggregate (one group). */
  readonly groupBy: readonly string[];
}

export interface GroupedOptions {
  /** Input partitions on both sides (sparkfn: spark.default.parallelism; Spark: sc.parallelize slices, cut the same way). */
  readonly partitions: number;
  /** spark.sql.shuffle.partitions on both sides. */
  readonly shufflePartitions: number;
  /** Session settings both sides run under (the oracle's for each request only), e.g. spark.sql.ansi.enabled = false. */
  readonly conf?: Readonly<Record<string, string>>;
}

type SparkfnGrouped =
  | { readonly kind: "refused"; readonly failure: SparkFailure }
  | { readonly kind: "failed"; readonly type: string; readonly name: string; failure: SparkFailure }
  | { readonly kind: "groups"; readonly type: string; readonly name: string; groups: { keys: SparkValue[]; value: SparkValue }[] };

/** sparkfn's answers: df.groupBy(...).agg(...) for all checks at once while nothing fails, then one check at a time. */
async function sparkfnGrouped(spark: SparkSession, fields: readonly Field[], table: GroupedTable, checks: readonly AggCheck[]): Promise<SparkfnGrouped[]> {
  const df = spark.createDataFrame(table.rows.map((r) => [...r]), { fields: [...fields] });
  const keys = table.groupBy.map((k) => col(k));
  const n = keys.length;
  const results: SparkfnGrouped[] = [];
  // Timestamps (keys and values) compare as their microseconds, as the oracle sends them: a Date holds milliseconds.
  const asRaw = (name: string, type: DataType) => (type === "timestamp" ? unix_micros(name).alias(name) : col(name));
  const keyColumns = table.groupBy.map((k) => asRaw(k, fields.find((f) => f.name === k)!.type));
  const types: DataType[] = [];
  for (const check of checks) {
    try {
      const field = (await df.groupBy(...keys).agg(check.column).schema()).fields[n]!;
      types.push(field.type);
      results.push({ kind: "groups", type: sparkTypeName(field.type), name: field.name, groups: [] });
    } catch (error) {
      if (!(error instanceof AnalysisError)) throw error;
      types.push("null");
      results.push({ kind: "refused", failure: new SparkFailure("AnalysisError", error.message) });
    }
  }
  const run = async (js: readonly number[]) => {
    const aggregated = df.groupBy(...keys).agg(...js.map((j) => checks[j]!.column.alias(`a${j}`)));
    const rows = await aggregated.select(...keyColumns, ...js.map((j) => asRaw(`a${j}`, types[j]!))).collect();
    for (const j of js) {
      const r = results[j] as Extract<SparkfnGrouped, { kind: "groups" }>;
      // Binary keys and values (Uint8Arrays) as the oracle tags Spark's.
      const tagged = (v: RowValue): SparkValue => (v instanceof Uint8Array ? binaryOf(v) : Array.isArray(v) ? v.map(tagged) : (v as SparkValue));
      const ntzKeys = table.groupBy.map((k) => fields.find((f) => f.name === k)!.type === "timestamp_ntz");
      const raw = (v: SparkValue, isNtz: boolean) => (isNtz ? ntzMicros(v) : v);
      r.groups = rows.map((row) => ({ keys: table.groupBy.map((k, i) => raw(tagged(row[k]!), ntzKeys[i]!)), value: raw(tagged(row[`a${j}`]!), types[j] === "timestamp_ntz") }));
    }
  };
  const ok = checks.flatMap((_, j) => (results[j]!.kind === "groups" ? [j] : []));
  if (ok.length === 0) return results;
  try {
    await run(ok);
    return results;
  } catch (error) {
    failureOf(error);
  }
  for (const j of ok) {
    try {
      await run([j]);
    } catch (error) {
      const r = results[j] as Extract<SparkfnGrouped, { kind: "groups" }>;
      results[j] = { kind: "failed", type: r.type, name: r.name, failure: failureOf(error) };
    }
  }
  return results;
}

/** A total order for comparing unordered arrays: by kind, then numbers (NaN last), strings by code point. */
function compareLoose(a: SparkValue, b: SparkValue): number {
  const rank = (v: SparkValue) => (v === null ? 0 : typeof v === "boolean" ? 1 : typeof v === "number" ? 2 : typeof v === "string" ? 3 : 4);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
    return a < b ? -1 : a > b ? 1 : Object.is(a, -0) ? (Object.is(b, -0) ? 0 : -1) : Object.is(b, -0) ? 1 : 0;
  }
  const [x, y] = [show(a), show(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

const sortedIfArray = (v: SparkValue): SparkValue => (Array.isArray(v) ? [...(v as SparkValue[])].sort(compareLoose) : v);

export class GroupedDifferential {
  constructor(
    private readonly spark: SparkSession,
    private readonly oracle: SparkOracle,
    private readonly options: GroupedOptions,
  ) {}

  /**
   * Runs every aggregate over the table grouped on both sides and sorts the outcomes: per
   * aggregate, both refuse it or both give the same type and column name; then per group (matched
   * by key values) the same value, or both fail with the same Spark error class.
   */
  async run(table: GroupedTable, checks: readonly AggCheck[], report: Report = newReport()): Promise<Report> {
    const fields = parseDdlSchema(table.schema).fields;
    const [theirs, ours] = await Promise.all([
      this.oracle.aggregate(fields, table.rows, { groupBy: table.groupBy, aggs: checks.map((c) => c.sql), ...this.options }),
      sparkfnGrouped(this.spark, fields, table, checks),
    ]);
    const disagree = (d: Disagreement) => {
      const known = KNOWN_DIFFERENCES.find((k) => k.explains(d));
      if (known) report.known.set(known.reason, (report.known.get(known.reason) ?? 0) + 1);
      else report.unexplained.push(d);
    };
    checks.forEach((check, j) => {
      const spark: SparkGroupedResult = theirs[j]!;
      const sparkfn = ours[j]!;
      const sql = `${check.sql} GROUP BY (${table.groupBy.join(", ")})`;
      if (spark.kind === "refused" || sparkfn.kind === "refused") {
        if (spark.kind === sparkfn.kind) report.compared++;
        else disagree({ sql, what: "refused", row: null, spark: spark.kind === "refused" ? spark.failure : spark.type, sparkfn: sparkfn.kind === "refused" ? sparkfn.failure : sparkfn.type });
        return;
      }
      if (spark.type !== sparkfn.type) disagree({ sql, what: "type", row: null, spark: spark.type, sparkfn: sparkfn.type });
      if (spark.name !== sparkfn.name) disagree({ sql, what: "name", row: null, spark: spark.name, sparkfn: sparkfn.name });
      if (spark.kind === "failed" || sparkfn.kind === "failed") {
        const [a, b] = [spark.kind === "failed" ? spark.failure : "(no failure)", sparkfn.kind === "failed" ? sparkfn.failure : "(no failure)"];
        if (sameValue(a, b)) report.compared++;
        else disagree({ sql, what: "value", row: null, spark: a, sparkfn: b });
        return;
      }
      const ourGroups = new Map(sparkfn.groups.map((g) => [show(g.keys), g.value]));
      for (const group of spark.groups) {
        const id = show(group.keys);
        const row = group.keys as Value[];
        if (!ourGroups.has(id)) {
          disagree({ sql, what: "value", row, spark: group.value, sparkfn: "(no such group)" });
          continue;
        }
        const [a, b] = check.unordered ? [sortedIfArray(group.value), sortedIfArray(ourGroups.get(id)!)] : [group.value, ourGroups.get(id)!];
        ourGroups.delete(id);
        if (sameValue(a, b, check.ulps)) {
          report.compared++;
          if (!sameValue(a, b)) report.approximate.set(check.sql, (report.approximate.get(check.sql) ?? 0) + 1);
        } else disagree({ sql, what: "value", row, spark: a, sparkfn: b });
      }
      for (const [id, value] of ourGroups) disagree({ sql, what: "value", row: [id], spark: "(no such group)", sparkfn: value });
    });
    return report;
  }
}

/**
 * A test file's grouped differential runner: a local[1] sparkfn session whose DataFrames are
 * cut into `partitions` and aggregated through `shufflePartitions` reduce partitions (Spark's
 * side the same), and an oracle connection; `agree(table, checks)` fails on any unexplained
 * disagreement.
 */
export function useGroupedDifferential(options: GroupedOptions): { agree(table: GroupedTable, checks: readonly AggCheck[]): Promise<Report> } {
  let session: SparkSession;
  let oracle: SparkOracle;
  beforeAll(async () => {
    const builder = SparkSession.builder()
      .appName("spark-grouped-differential")
      .master("local[1]")
      .config("spark.default.parallelism", options.partitions)
      .config("spark.sql.shuffle.partitions", options.shufflePartitions);
    for (const [key, value] of Object.entries(options.conf ?? {})) builder.config(key, value);
    [session, oracle] = await Promise.all([builder.getOrCreate(), SparkOracle.connect()]);
    session.sparkContext.setLogLevel("OFF");
  });
  afterAll(async () => {
    oracle?.close();
    await session?.stop();
  });
  return {
    async agree(table, checks) {
      const report = await new GroupedDifferential(session, oracle, options).run(table, checks);
      if (process.env.SPARKFN_SPARK_LOG) console.info(summary(report));
      assertAgreement(report);
      expect(report.compared).toBeGreaterThan(0);
      return report;
    },
  };
}
