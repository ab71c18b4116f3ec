/**
 * Client of the Spark oracle (test/support/spark-oracle.py, started once per run by
 * test/setup/spark.ts): sends a table and Spark SQL expressions, gets Spark's result type,
 * column name and value per row, or Spark's error. Values come back as sparkfn holds them
 * (numbers, strings, booleans, dates as "YYYY-MM-DD", decimals as their plain text "12.30",
 * null); what JSON cannot carry is tagged
 * on the wire and decoded here (NaN, ±Infinity, -0.0, longs beyond 2^53, errors).
 */
import { connect, type Socket } from "node:net";
import { inject } from "vitest";
import { arrayType, elementOf, fieldsOf, mapOf, type Field, type Value } from "../../shared/plan/types.ts";

/** Spark refused an expression or failed on a row: its error condition (class) and message. */
export class SparkFailure {
  constructor(
    readonly errorClass: string,
    readonly message: string,
  ) {}
  toString(): string {
    return `error ${this.errorClass}: ${this.message.split("\n")[0]}`;
  }
}

/** A long beyond ±(2^53 − 1), exact; sparkfn's longs are doubles (shared/batch/vector.ts). */
export class SparkLong {
  constructor(readonly digits: string) {}
  /** The double nearest to the value, as sparkfn would hold it. */
  get nearest(): number {
    return Number(this.digits);
  }
  toString(): string {
    return `${this.digits}L`;
  }
}

/** A value of a type without a plain JSON form (binary as base64), as tagged. */
export class SparkOther {
  constructor(
    readonly tag: string,
    readonly value: unknown,
  ) {}
  toString(): string {
    return `${this.tag}:${JSON.stringify(this.value)}`;
  }
  equals(other: unknown): boolean {
    return other instanceof SparkOther && other.tag === this.tag && JSON.stringify(other.value) === JSON.stringify(this.value);
  }
}

/** A collected binary value (a Uint8Array) as the oracle tags Spark's: base64. */
export const binaryOf = (bytes: Uint8Array): SparkOther => new SparkOther("$binary", Buffer.from(bytes).toString("base64"));

export type SparkValue = Value | SparkLong | SparkFailure | SparkOther | readonly SparkValue[];

export type SparkResult =
  /** The expression does not analyze (unknown function, wrong argument types...). */
  | { readonly kind: "refused"; readonly failure: SparkFailure }
  /** Spark's result type (its simpleString: int, bigint, double...), column name, and a value per row. */
  | { readonly kind: "values"; readonly type: string; readonly name: string; readonly values: readonly SparkValue[] };

const DOUBLES: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity, "-0": -0 };

/** A row value on the wire: numbers JSON cannot hold exactly are tagged. */
function encode(v: Value, type: Field["type"]): unknown {
  if (Array.isArray(v)) {
    const element = elementOf(type);
    const fields = fieldsOf(type);
    const map = mapOf(type);
    if (map) return [encode(v[0]!, arrayType(map.key)), encode(v[1]!, arrayType(map.value))];
    return v.map((x, i) => encode(x, element ?? fields?.[i]?.type ?? "any"));
  }
  // A binary value (a Uint8Array as users give it, or a byte string as rows carry it) as the oracle reads it.
  if (v instanceof Uint8Array) return { $binary: Buffer.from(v).toString("base64") };
  if (type === "binary" && typeof v === "string") return { $binary: Buffer.from(v, "latin1").toString("base64") };
  if (typeof v !== "number") return v;
  if (!Number.isFinite(v) || Object.is(v, -0)) return { $double: Object.is(v, -0) ? "-0" : String(v) };
  if (type === "long" && !Number.isSafeInteger(v)) return { $long: BigInt(v).toString() };
  return v;
}

function decode(v: unknown): SparkValue {
  if (v === null || typeof v !== "object") return v as Value;
  if (Array.isArray(v)) return v.map(decode);
  const [tag, inner] = Object.entries(v as Record<string, unknown>)[0] ?? ["$unknown", v];
  switch (tag) {
    case "$double":
      return DOUBLES[inner as string] ?? NaN;
    case "$long":
      return new SparkLong(inner as string);
    case "$date":
      return inner as string;
    case "$decimal":
      // Plain digits with exactly the type's scale ("12.30", "-0.05", "100"), as sparkfn collects a decimal.
      return inner as string;
    case "$timestamp":
      // Microseconds since the epoch, as sparkfn holds a timestamp.
      return inner as number;
    case "$map": {
      // [keys, values], as sparkfn holds a map.
      const pairs = inner as [unknown, unknown][];
      return [pairs.map(([k]) => decode(k)), pairs.map(([, v]) => decode(v))];
    }
    case "$struct":
      // A struct's field values in order, as sparkfn's struct values are.
      return Object.values(inner as Record<string, unknown>).map(decode);
    case "$error": {
      const e = inner as { class: string; message: string };
      return new SparkFailure(e.class, e.message);
    }
    default:
      return new SparkOther(tag, inner);
  }
}

/** Spark's answer for one aggregate of a grouped query (SparkOracle.aggregate). */
export type SparkGroupedResult =
  /** The aggregate does not analyze. */
  | { readonly kind: "refused"; readonly failure: SparkFailure }
  /** The query failed at run time (for all groups: Spark fails the whole query). */
  | { readonly kind: "failed"; readonly type: string; readonly name: string; readonly failure: SparkFailure }
  /** Per group: its key values and the aggregate's value, in no particular order. */
  | { readonly kind: "groups"; readonly type: string; readonly name: string; readonly groups: readonly { readonly keys: readonly SparkValue[]; readonly value: SparkValue }[] };

/** A table of a chain request: its columns, rows and input slices. */
export interface ChainTable {
  readonly fields: readonly Field[];
  readonly rows: readonly (readonly Value[])[];
  readonly partitions?: number;
}

/** One DataFrame method call of a chain: name (`na.fill` reaches df.na.fill), positional and keyword arguments (PySpark's). */
export type ChainStep = readonly [method: string, args: readonly unknown[], kwargs?: Readonly<Record<string, unknown>>];

/** Spark's answer for a chain of DataFrame calls (SparkOracle.chain). */
export type SparkChainResult =
  | { readonly kind: "refused"; readonly failure: SparkFailure }
  | { readonly kind: "frame"; readonly columns: readonly { readonly name: string; readonly type: string }[]; readonly rows: readonly (readonly SparkValue[])[] }
  | { readonly kind: "rows"; readonly rows: readonly (readonly SparkValue[])[] }
  | { readonly kind: "value"; readonly value: SparkValue };

/** Another table of the chain as an argument (under an alias: that table's df.alias(alias)). */
export const otherTable = (name: string, alias?: string) => (alias === undefined ? { $df: name } : { $df: name, alias });

/** The chain's table `df`'s df.colRegex(pattern), as an argument. */
export const colRegexOf = (pattern: string) => ({ $colRegex: pattern });

/** A Python dict whose keys are not strings (numbers, booleans), as an argument. */
export const pythonDict = (pairs: readonly (readonly [unknown, unknown])[]) => ({ $pairs: pairs.map(([k, v]) => [argument(k), argument(v)]) });

/** An argument on the wire: numbers JSON cannot hold are tagged. */
function argument(v: unknown): unknown {
  if (typeof v === "number" && (!Number.isFinite(v) || Object.is(v, -0))) return { $double: Object.is(v, -0) ? "-0" : String(v) };
  if (Array.isArray(v)) return v.map(argument);
  if (v !== null && typeof v === "object" && !("$df" in v) && !("$pairs" in v) && !("$colRegex" in v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, argument(x)]));
  return v;
}

export interface GroupedRequest {
  /** The grouping columns ([] for one global group). */
  readonly groupBy: readonly string[];
  /** Spark SQL aggregate expressions, each run as `SELECT <groupBy>, <agg> FROM t GROUP BY <groupBy>`. */
  readonly aggs: readonly string[];
  /** Input slices (as sc.parallelize cuts the rows), so that partial states merge. */
  readonly partitions: number;
  /** spark.sql.shuffle.partitions for the query. */
  readonly shufflePartitions: number;
  /** Session settings for this request only (spark.sql.ansi.enabled = false for legacy overflow). */
  readonly conf?: Readonly<Record<string, string>>;
}

interface WireGrouped {
  readonly error?: { class: string; message: string };
  readonly failed?: { class: string; message: string };
  readonly type?: string;
  readonly name?: string;
  readonly groups?: unknown[][];
}

interface WireResult {
  readonly error?: { class: string; message: string };
  readonly type?: string;
  readonly name?: string;
  readonly values?: unknown[];
}

/** One connection to the oracle: its answers come in the order of its requests. */
class Connection {
  private buffer = "";
  readonly waiting: ((line: string) => void)[] = [];
  failure: Error | undefined;

  constructor(readonly socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      for (let nl = this.buffer.indexOf("\n"); nl >= 0; nl = this.buffer.indexOf("\n")) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.waiting.shift()?.(line);
      }
    });
    socket.on("error", (error) => {
      this.failure = error;
    });
  }
}

/**
 * Connections per client: the oracle answers requests of different connections side by side,
 * in sessions of their own (spark-oracle.py's SESSIONS), so that requests made without waiting
 * for each other (a prefetch of answers) keep both of the machine's cores busy.
 */
const CONNECTIONS = 2;

export class SparkOracle {
  private constructor(private readonly connections: readonly Connection[]) {}

  /** Connects to the run's oracle (the `spark` project's global setup provides its port). */
  static async connect(): Promise<SparkOracle> {
    const { port } = inject("sparkOracle");
    const open = async () => {
      const socket = connect({ host: "127.0.0.1", port });
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("error", (error) => reject(new Error(`Cannot reach the Spark oracle on 127.0.0.1:${port} (started by test/setup/spark.ts; see test/.spark/oracle.log): ${error.message}`)));
      });
      return new Connection(socket);
    };
    return new SparkOracle(await Promise.all(Array.from({ length: CONNECTIONS }, open)));
  }

  /** Sent on the connection with the fewest requests waiting (the first while there is one at a time). */
  private request(body: unknown): Promise<Record<string, unknown>> {
    const connection = this.connections.reduce((a, b) => (b.waiting.length < a.waiting.length ? b : a));
    if (connection.failure) return Promise.reject(connection.failure);
    return new Promise((resolve, reject) => {
      connection.waiting.push((line) => {
        const answer = JSON.parse(line) as Record<string, unknown>;
        const failure = answer.failure as { class: string; message: string } | undefined;
        if (failure) reject(new Error(`The Spark oracle could not answer: ${failure.class}: ${failure.message}`));
        else resolve(answer);
      });
      connection.socket.write(`${JSON.stringify(body)}\n`);
    });
  }

  /** Spark's answer for each SQL expression over the rows (columns named and typed by `fields`). */
  /**
   * Spark's values of `exprs` over the rows. `failing` (per expression, row indexes): where
   * the other engine failed, so Spark evaluates each of those rows alone and the rest together
   * (a query per failing row, not a bisection); Spark still decides every row.
   */
  async evaluate(fields: readonly Field[], rows: readonly (readonly Value[])[], exprs: readonly string[], conf?: Readonly<Record<string, string>>, failing?: readonly (readonly number[])[]): Promise<SparkResult[]> {
    const answer = await this.request({
      schema: fields.map((f) => ({ name: f.name, type: f.type })),
      rows: rows.map((r) => r.map((v, c) => encode(v, fields[c]!.type))),
      exprs,
      ...(conf ? { conf } : {}),
      ...(failing ? { failing } : {}),
    });
    return (answer.results as WireResult[]).map((r): SparkResult =>
      r.error
        ? { kind: "refused", failure: new SparkFailure(r.error.class, r.error.message) }
        : { kind: "values", type: r.type!, name: r.name!, values: r.values!.map(decode) },
    );
  }

  /** Spark's answer for DataFrame method calls made in turn on `tables.df` (PySpark's names and arguments). */
  async chain(tables: Readonly<Record<string, ChainTable>>, steps: readonly ChainStep[]): Promise<SparkChainResult> {
    const answer = (await this.request({
      tables: Object.fromEntries(
        Object.entries(tables).map(([name, t]) => [
          name,
          { schema: t.fields.map((f) => ({ name: f.name, type: f.type })), rows: t.rows.map((r) => r.map((v, c) => encode(v, t.fields[c]!.type))), partitions: t.partitions ?? 1 },
        ]),
      ),
      chain: steps.map(([method, args, kwargs]) => [method, argument(args), argument(kwargs ?? {})]),
    })) as { error?: { class: string; message: string }; columns?: { name: string; type: string }[]; rows?: unknown[][]; value?: unknown };
    if (answer.error) return { kind: "refused", failure: new SparkFailure(answer.error.class, answer.error.message) };
    if (answer.columns) return { kind: "frame", columns: answer.columns, rows: answer.rows!.map((r) => r.map(decode)) };
    if (answer.rows) return { kind: "rows", rows: answer.rows.map((r) => r.map(decode)) };
    return { kind: "value", value: decode(answer.value) };
  }

  /** Spark's answer for each aggregate over the rows grouped by `request.groupBy` (see GroupedRequest). */
  async aggregate(fields: readonly Field[], rows: readonly (readonly Value[])[], request: GroupedRequest): Promise<SparkGroupedResult[]> {
    const answer = await this.request({
      schema: fields.map((f) => ({ name: f.name, type: f.type })),
      rows: rows.map((r) => r.map((v, c) => encode(v, fields[c]!.type))),
      ...request,
    });
    const keys = request.groupBy.length;
    return (answer.results as WireGrouped[]).map((r): SparkGroupedResult => {
      if (r.error) return { kind: "refused", failure: new SparkFailure(r.error.class, r.error.message) };
      if (r.failed) return { kind: "failed", type: r.type!, name: r.name!, failure: new SparkFailure(r.failed.class, r.failed.message) };
      return {
        kind: "groups",
        type: r.type!,
        name: r.name!,
        groups: r.groups!.map((g) => ({ keys: g.slice(0, keys).map(decode), value: decode(g[keys]) })),
      };
    });
  }

  close(): void {
    for (const connection of this.connections) connection.socket.end();
  }
}
