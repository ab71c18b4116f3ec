/**
 * The columnar Parquet reader (executor-fn/io/parquet-reader.ts) called directly: batches of
 * typed vectors, turned into rows with rowsFromBatch only to compare. Expected values come
 * from DuckDB (which writes and reads the files independently) or are the JavaScript values
 * written with hyparquet-writer.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { parquetMetadata } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parquetFileSchema } from "../../../driver/sources/parquet.ts";
import { PARQUET_BATCH_ROWS, readParquetSplit } from "../../../executor-fn/io/parquet-reader.ts";
import { writeParquetFile } from "../../../executor-fn/io/parquet-writer.ts";
import type { FileReadCounters, FileStageSource } from "../../../executor-fn/io/readers.ts";
import { TaskError } from "../../../executor-fn/task-error.ts";
import { rowsFromBatch, type Batch } from "../../../shared/batch/batch.ts";
import type { Expr } from "../../../shared/plan/expr.ts";
import type { Row, Schema } from "../../../shared/plan/types.ts";
import { LocalObjectStore } from "../../../shared/storage/local-store.ts";

let dir: string;
let duck: DuckDBConnection;
const store = new LocalObjectStore();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-parquet-columnar-"));
  duck = await (await DuckDBInstance.create()).connect();
}, 60_000);
afterAll(async () => {
  duck.closeSync();
  await rm(dir, { recursive: true, force: true });
});

async function duckRows(sql: string): Promise<Record<string, unknown>[]> {
  return (await duck.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

const info = async (file: string) => ({ uri: file, size: (await stat(file)).size });

function source(fileSchema: Schema, columns: string[] | null = null, filters: Expr[] = []): FileStageSource {
  return { kind: "file", format: "parquet", options: { header: false, mode: "FAILFAST", corruptColumn: null }, fileSchema, columns, filters, partitionColumns: [] };
}

interface Read {
  rows: Row[];
  batches: Batch[];
  counters: FileReadCounters;
}

async function read(file: string, src: FileStageSource): Promise<Read> {
  const counters: FileReadCounters = { rowGroups: 0, rowGroupsSkipped: 0, malformed: 0 };
  const batches: Batch[] = [];
  for await (const batch of readParquetSplit(src, await info(file), store, counters)) batches.push(batch);
  return { rows: batches.flatMap((b) => rowsFromBatch(b)), batches, counters };
}

/** The file's schema as the driver reads it (what a scan's fileSchema is). */
const schemaOf = async (...files: string[]) => parquetFileSchema(store, await Promise.all(files.map(info)));

/** The vector kinds of a column over all batches. */
const kinds = (r: Read, column: number) => [...new Set(r.batches.map((b) => b.columns[column]!.kind))];

/** Equal rows; a mismatch reports the first differing row (not a diff of a hundred thousand rows). */
function expectRows(got: readonly unknown[], expected: readonly unknown[]): void {
  const at = got.findIndex((row, i) => JSON.stringify(row) !== JSON.stringify(expected[i]));
  if (at >= 0) expect({ row: at, value: got[at] }).toEqual({ row: at, value: expected[at] });
  expect(got.length).toBe(expected.length);
  expect(got).toEqual(expected);
}

/** Row groups of a DuckDB-written file: their count, and the max of `column` in each. */
async function duckGroups(file: string, column: string): Promise<number[]> {
  const rows = await duckRows(`SELECT row_group_id, max(stats_max::BIGINT) AS hi FROM parquet_metadata('${file}') WHERE path_in_schema = '${column}' GROUP BY row_group_id ORDER BY row_group_id`);
  return rows.map((r) => Number(r.hi));
}

const rowObjects = (schema: Schema, rows: Row[]) => rows.map((r) => Object.fromEntries(schema.fields.map((f, i) => [f.name, r[i]])));

describe("columnar Parquet reader", () => {
  const ALL_TYPES = (file: string, options: string) => `COPY (
    SELECT i AS id,
      CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1000000007 END AS big,
      CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 3 - 4000)::INTEGER END AS small,
      CASE WHEN i % 6 = 0 THEN NULL ELSE i / 8 END AS ratio,
      CASE WHEN i % 4 = 0 THEN NULL ELSE (i / 3)::REAL END AS real,
      CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS flag,
      CASE WHEN i % 9 = 0 THEN NULL ELSE DATE '1969-12-01' + (i % 400)::INTEGER END AS day,
      CASE WHEN i % 8 = 0 THEN NULL ELSE (i * 1.25 - 7)::DECIMAL(9,2) END AS dec_small,
      CASE WHEN i % 8 = 1 THEN NULL ELSE (i * 12.345)::DECIMAL(18,3) END AS dec_mid,
      CASE WHEN i % 8 = 2 THEN NULL ELSE (i * -1.5)::DECIMAL(38,10) END AS dec_wide,
      CASE WHEN i % 10 = 0 THEN NULL ELSE ['north', 'south', 'east', 'west'][1 + i % 4] END AS cat,
      CASE WHEN i % 11 = 0 THEN NULL WHEN i % 2 = 0 THEN 'naïve ☃ ' || i ELSE 'plain ' || i END AS label,
      CASE WHEN i % 12 = 0 THEN NULL ELSE TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i * 61) SECOND END AS ts,
      CASE WHEN i % 13 = 0 THEN NULL ELSE ['a' || i, 'b'] END AS tags
    FROM range(0, 3000) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 1000, ${options})`;

  const EXPECTED = (file: string) => `SELECT id, big::VARCHAR AS big, small, ratio, real::DOUBLE AS real, flag, strftime(day, '%Y-%m-%d') AS day,
      dec_small::VARCHAR AS dec_small, dec_mid::VARCHAR AS dec_mid, dec_wide::VARCHAR AS dec_wide, cat, label,
      epoch_us(ts) AS ts, tags
    FROM read_parquet('${file}') ORDER BY id`;

  const num = (v: unknown) => (v === null ? null : Number(v));

  it.each([
    ["v1-snappy", "PARQUET_VERSION V1, COMPRESSION snappy"],
    ["v2-snappy", "PARQUET_VERSION V2, COMPRESSION snappy"],
    ["v1-gzip", "PARQUET_VERSION V1, COMPRESSION gzip"],
    ["v1-uncompressed", "PARQUET_VERSION V1, COMPRESSION uncompressed"],
  ])("reads every type, with nulls in each, as DuckDB does (%s)", async (name, options) => {
    const file = path.join(dir, `types-${name}.parquet`);
    await duck.run(ALL_TYPES(file, options));
    const schema = await schemaOf(file);
    // REAL (Parquet FLOAT) is Spark's float; DECIMAL reads as a double unless the scan declares it; TIMESTAMP (not adjusted to UTC) is Spark's timestamp_ntz.
    expect(schema.fields.map((f) => f.type)).toEqual(["long", "long", "int", "double", "float", "boolean", "date", "double", "double", "double", "string", "string", "timestamp_ntz", "array<string>"]);
    const got = await read(file, source(schema));
    const expected = (await duckRows(EXPECTED(file))).map((r) => ({
      ...r,
      id: Number(r.id),
      big: num(r.big),
      dec_small: num(r.dec_small),
      dec_mid: num(r.dec_mid),
      dec_wide: num(r.dec_wide),
      ts: num(r.ts),
    }));
    expectRows(rowObjects(schema, got.rows), expected);
    const groups = (await duckGroups(file, "id")).length;
    expect(groups).toBeGreaterThan(1);
    expect(got.counters).toEqual({ rowGroups: groups, rowGroupsSkipped: 0, malformed: 0 });
    // Columnar all the way: typed vectors, and the dictionary-encoded strings stay a dictionary.
    const at = (n: string) => schema.fields.findIndex((f) => f.name === n);
    expect(kinds(got, at("ratio"))).toEqual(["f64"]);
    expect(kinds(got, at("big"))).toEqual(["f64"]);
    expect(kinds(got, at("small"))).toEqual(["i32"]);
    expect(kinds(got, at("flag"))).toEqual(["bool"]);
    expect(kinds(got, at("day"))).toEqual(["dict"]);
    expect(kinds(got, at("cat"))).toEqual(["dict"]);
    expect(kinds(got, at("label"))).toEqual(["str"]);
    expect(kinds(got, at("tags"))).toEqual(["any"]);
    for (const batch of got.batches) {
      const cat = batch.columns[at("cat")]!;
      if (cat.kind === "dict") expect(cat.dict.length).toBeLessThanOrEqual(4);
    }
  });

  it("reads timestamps of each unit (before 1970 and beyond 2^53 nanoseconds too) and dictionary-encoded numbers", async () => {
    const file = path.join(dir, "timestamps.parquet");
    const ts = `TIMESTAMP '1900-01-01 00:00:00' + INTERVAL (i * 37 * 86400 + i * 3723) SECOND + INTERVAL (i * 7) MILLISECOND`;
    await duck.run(`COPY (SELECT i AS id,
        CASE WHEN i % 10 = 3 THEN NULL ELSE ${ts} END AS ts_us,
        (${ts})::TIMESTAMP_MS AS ts_ms,
        CASE WHEN i % 10 = 4 THEN NULL ELSE (${ts})::TIMESTAMP_NS END AS ts_ns,
        CASE WHEN i % 9 = 0 THEN NULL ELSE ((i % 5) * 1.5)::DOUBLE END AS few_doubles,
        CASE WHEN i % 9 = 1 THEN NULL ELSE (i % 7 - 3)::INTEGER END AS few_ints,
        CASE WHEN i % 9 = 2 THEN NULL ELSE (i % 3) * -1000000000000 END AS few_bigs
      FROM range(0, 3000) t(i)) TO '${file}' (FORMAT parquet)`);
    const encodings = await duckRows(`SELECT path_in_schema, encodings FROM parquet_metadata('${file}') WHERE row_group_id = 0`);
    expect(encodings.filter((e) => String(e.encodings).includes("DICTIONARY")).map((e) => e.path_in_schema)).toEqual(expect.arrayContaining(["few_ints", "few_bigs"]));
    const schema = await schemaOf(file);
    // DuckDB's TIMESTAMPs are not adjusted to UTC: wall clocks, timestamp_ntz (Spark refuses the NANOS unit; sparkfn reads it).
    expect(schema.fields.map((f) => f.type)).toEqual(["long", "timestamp_ntz", "timestamp_ntz", "timestamp_ntz", "double", "int", "long"]);
    // Microseconds of the wall clock as if UTC, as sparkfn holds timestamp_ntz (DuckDB's epoch_us).
    const iso = (c: string) => `epoch_us(${c}) AS ${c}`;
    const expected = await duckRows(`SELECT id, ${iso("ts_us")}, ${iso("ts_ms")}, ${iso("ts_ns")}, few_doubles, few_ints, few_bigs FROM read_parquet('${file}') ORDER BY id`);
    const got = await read(file, source(schema));
    expectRows(
      rowObjects(schema, got.rows),
      expected.map((r) => ({ ...r, id: Number(r.id), ts_us: num(r.ts_us), ts_ms: num(r.ts_ms), ts_ns: num(r.ts_ns), few_bigs: num(r.few_bigs) })),
    );
    expect(got.rows[2999]![3]).toBe(Date.parse("2204-02-29T05:28:17.993Z") * 1000);
    expect(kinds(got, 5)).toEqual(["i32"]);
    expect(kinds(got, 6)).toEqual(["f64"]);
  });

  it("keeps int columns as Int32Array vectors and reads projections in the scan's order", async () => {
    const file = path.join(dir, "ints.parquet");
    await duck.run(`COPY (SELECT i::INTEGER AS n, CASE WHEN i % 3 = 0 THEN NULL ELSE -i::INTEGER END AS m, 'x' || i AS s FROM range(0, 5000) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    const schema = await schemaOf(file);
    expect(schema.fields.map((f) => f.type)).toEqual(["int", "int", "string"]);
    const got = await read(file, source(schema, ["s", "m"]));
    expectRows(got.rows, Array.from({ length: 5000 }, (_, i) => [`x${i}`, i % 3 === 0 ? null : -i]));
    expect(kinds(got, 1)).toEqual(["i32"]);
    // No columns at all (count(*)): batches of rows without vectors.
    const none = await read(file, source(schema, []));
    expect(none.batches.reduce((n, b) => n + b.count, 0)).toBe(5000);
    expect(none.batches.every((b) => b.columns.length === 0)).toBe(true);
  });

  it("reads what sparkfn's writer wrote (hyparquet-writer: v2 pages, many pages a chunk) in batches of at most PARQUET_BATCH_ROWS", async () => {
    const schema: Schema = {
      fields: [
        { name: "id", type: "int", nullable: true },
        { name: "big", type: "long", nullable: true },
        { name: "amount", type: "double", nullable: true },
        { name: "flag", type: "boolean", nullable: true },
        { name: "cat", type: "string", nullable: true },
        { name: "note", type: "string", nullable: true },
        { name: "day", type: "date", nullable: true },
        { name: "tags", type: "array<string>", nullable: true },
      ],
    };
    const cats = ["Books", "Toys", "Home", "Garden", ""];
    const rows: Row[] = Array.from({ length: 120_000 }, (_, i) => [
      i,
      i % 17 === 0 ? null : 2 ** 52 + i * 3,
      i % 101 === 0 ? null : i / 100,
      i % 5 === 0 ? null : i % 2 === 1,
      i % 9 === 0 ? null : cats[i % cats.length]!,
      i % 13 === 0 ? null : i % 4 === 0 ? `ünïcödé ${i}` : `note ${i}`,
      i % 7 === 0 ? null : new Date(Date.UTC(2020, 0, 1) + (i % 1000) * 86_400_000).toISOString().slice(0, 10),
      i % 6 === 0 ? null : [`t${i % 3}`, "u"],
    ]);
    const file = path.join(dir, "sparkfn.parquet");
    await writeFile(file, writeParquetFile(rows, schema));
    const got = await read(file, source(schema));
    expectRows(got.rows, rows);
    expect(got.counters).toEqual({ rowGroups: 2, rowGroupsSkipped: 0, malformed: 0 });
    expect(Math.max(...got.batches.map((b) => b.length))).toBeLessThanOrEqual(PARQUET_BATCH_ROWS);
    expect(kinds(got, 4)).toEqual(["dict"]);
    expect(kinds(got, 5)).toEqual(["str"]);
    expect(kinds(got, 6)).toEqual(["dict"]);
    expect(kinds(got, 0)).toEqual(["i32"]);

    // Small pages: page boundaries fall inside batches, and batches join pieces of pages.
    const small = path.join(dir, "small-pages.parquet");
    const columnData = schema.fields.slice(0, 6).map((f, c) => ({
      name: f.name,
      data: rows.slice(0, 30_000).map((r) => (c === 1 && r[c] !== null ? BigInt(r[c] as number) : r[c])) as never,
      nullable: true,
      type: (["INT32", "INT64", "DOUBLE", "BOOLEAN", "STRING", "STRING"] as const)[c],
    }));
    await writeFile(small, new Uint8Array(parquetWriteBuffer({ columnData, pageSize: 7000, rowGroupSize: 30_000 })));
    const pages = await read(small, source({ fields: schema.fields.slice(0, 6) }));
    expectRows(pages.rows, rows.slice(0, 30_000).map((r) => r.slice(0, 6)));
    // (the chunks really have many pages)
    const meta = parquetMetadata(new Uint8Array(await readFile(small)).buffer);
    expect(Number(meta.row_groups[0]!.columns[2]!.meta_data!.total_uncompressed_size)).toBeGreaterThan(3 * 7000);
  });

  it("reads REQUIRED columns (no definition levels)", async () => {
    const file = path.join(dir, "required.parquet");
    const n = 10_000;
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: "a", data: Int32Array.from({ length: n }, (_, i) => i * 7), type: "INT32", nullable: false },
        { name: "b", data: Array.from({ length: n }, (_, i) => `v${i % 3}`), type: "STRING", nullable: false },
        { name: "c", data: Float64Array.from({ length: n }, (_, i) => i / 3), type: "DOUBLE", nullable: false },
      ],
    });
    await writeFile(file, new Uint8Array(buffer));
    const schema = await schemaOf(file);
    const got = await read(file, source(schema));
    expectRows(got.rows, Array.from({ length: n }, (_, i) => [i * 7, `v${i % 3}`, i / 3]));
    expect(got.batches.every((b) => b.columns.every((v) => v.nulls === null))).toBe(true);
  });

  it("skips row groups whose statistics cannot match the pushed filter, counts them, and fetches only the kept chunks", async () => {
    const file = path.join(dir, "sorted.parquet");
    await duck.run(`COPY (SELECT i AS id, i % 10 AS k, 'name ' || i || ' ' || md5(i::VARCHAR) AS name FROM range(0, 200000) t(i) ORDER BY id) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 20480)`);
    const schema = await schemaOf(file);
    const maxima = await duckGroups(file, "id");
    expect(maxima.length).toBeGreaterThan(5);
    const starts = maxima.map((_, g) => (g === 0 ? 0 : maxima[g - 1]! + 1));
    const names = new Map((await duckRows(`SELECT id, name FROM read_parquet('${file}') WHERE id < 45000`)).map((r) => [Number(r.id), r.name]));
    const lt: Expr = { kind: "binary", op: "lt", left: { kind: "column", name: "id" }, right: { kind: "literal", value: 30000, type: "long" } };
    const requests: { offset: number; length: number }[] = [];
    const recording = Object.create(store, {
      get: { value: (uri: string, range?: { offset: number; length: number }) => (range && requests.push(range), store.get(uri, range)) },
    }) as LocalObjectStore;
    const counters: FileReadCounters = { rowGroups: 0, rowGroupsSkipped: 0, malformed: 0 };
    const batches: Batch[] = [];
    for await (const batch of readParquetSplit(source(schema, ["id", "name"], [lt]), await info(file), recording, counters)) batches.push(batch);
    // The reader returns whole kept row groups (the stage's filter applies the condition row by row).
    const kept = maxima.map((hi, g) => [starts[g]!, hi] as const).filter(([lo]) => lo < 30000);
    const ids = kept.flatMap(([lo, hi]) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i));
    expectRows(
      batches.flatMap((b) => rowsFromBatch(b)),
      ids.map((id) => [id, names.get(id)]),
    );
    expect(counters).toEqual({ rowGroups: maxima.length, rowGroupsSkipped: maxima.length - kept.length, malformed: 0 });
    expect(maxima.length - kept.length).toBeGreaterThan(0);
    // Beyond the footer (the first request, the file's tail), only the kept groups' chunks are read.
    const { size } = await info(file);
    expect(size).toBeGreaterThan(1 << 20);
    const dataBytes = requests.slice(1).reduce((n, r) => n + r.length, 0);
    expect(dataBytes).toBeGreaterThan(0);
    expect(dataBytes).toBeLessThan(size * ((kept.length + 1) / maxima.length));
    // A literal on the left (1000 > id), and an or of an eq and a le.
    const gt: Expr = { kind: "binary", op: "gt", left: { kind: "literal", value: 1000, type: "long" }, right: { kind: "column", name: "id" } };
    const low = await read(file, source(schema, ["id"], [gt]));
    expect(low.counters).toEqual({ rowGroups: maxima.length, rowGroupsSkipped: maxima.length - 1, malformed: 0 });
    expectRows(low.rows, Array.from({ length: maxima[0]! + 1 }, (_, i) => [i]));
    const or: Expr = {
      kind: "binary",
      op: "or",
      left: { kind: "binary", op: "eq", left: { kind: "column", name: "id" }, right: { kind: "literal", value: starts[3]! + 5, type: "long" } },
      right: { kind: "binary", op: "le", left: { kind: "column", name: "id" }, right: { kind: "literal", value: 10, type: "long" } },
    };
    const both = await read(file, source(schema, ["id"], [or]));
    expect(both.counters.rowGroupsSkipped).toBe(maxima.length - 2);
    expect(both.rows.map((r) => r[0])).toEqual([...Array.from({ length: maxima[0]! + 1 }, (_, i) => i), ...Array.from({ length: maxima[3]! - starts[3]! + 1 }, (_, i) => starts[3]! + i)]);
  });

  it("reads a small file with one GET (its chunks are inside the footer's read)", async () => {
    const file = path.join(dir, "small.parquet");
    await duck.run(`COPY (SELECT i AS id, 'n' || i AS name FROM range(0, 5000) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    const schema = await schemaOf(file);
    const before = store.counts.get;
    const got = await read(file, source(schema));
    expect(store.counts.get - before).toBe(1);
    expectRows(got.rows, Array.from({ length: 5000 }, (_, i) => [i, `n${i}`]));
  });

  it("reads a column the file lacks (merged schema) as nulls", async () => {
    const a = path.join(dir, "merged-0.parquet");
    const b = path.join(dir, "merged-1.parquet");
    await duck.run(`COPY (SELECT i AS id, 'n' || i AS name FROM range(0, 10) t(i)) TO '${a}' (FORMAT parquet)`);
    await duck.run(`COPY (SELECT i AS id, i * 0.5 AS score FROM range(10, 15) t(i)) TO '${b}' (FORMAT parquet)`);
    const schema = await schemaOf(a, b);
    expect(schema.fields.map((f) => f.name)).toEqual(["id", "name", "score"]);
    const first = await read(a, source(schema));
    expect(first.rows).toEqual(Array.from({ length: 10 }, (_, i) => [i, `n${i}`, null]));
    expect(first.batches.every((batch) => batch.columns[2]!.nulls?.every((x) => x === 1))).toBe(true);
    const second = await read(b, source(schema, ["score", "name"]));
    expect(second.rows).toEqual(Array.from({ length: 5 }, (_, i) => [(10 + i) * 0.5, null]));
  });

  it("refuses an int64 beyond ±(2^53 − 1), naming the file, the column and the value", async () => {
    const plain = path.join(dir, "unsafe-plain.parquet");
    await duck.run(`COPY (SELECT i AS id, CASE WHEN i = 1500 THEN 9007199254740993 ELSE i END AS big FROM range(0, 3000) t(i)) TO '${plain}' (FORMAT parquet)`);
    const schema = await schemaOf(plain);
    const error = await read(plain, source(schema)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskError);
    expect((error as TaskError).type).toBe("BadInput");
    expect((error as TaskError).message).toMatch(/unsafe-plain\.parquet: column "big" .*holds 9007199254740993, beyond/);
    // The column alone is what fails: the others read.
    expect((await read(plain, source(schema, ["id"]))).rows.length).toBe(3000);

    const negative = path.join(dir, "unsafe-negative.parquet");
    await duck.run(`COPY (SELECT -9007199254740992 AS big) TO '${negative}' (FORMAT parquet)`);
    await expect(read(negative, source(await schemaOf(negative)))).rejects.toThrow(/unsafe-negative\.parquet: column "big" .*holds -9007199254740992/);

    // Dictionary-encoded: refused when a row uses the entry.
    const dict = path.join(dir, "unsafe-dict.parquet");
    await duck.run(`COPY (SELECT CASE WHEN i % 3 = 0 THEN -9007199254740993 ELSE 1 END AS big FROM range(0, 3000) t(i)) TO '${dict}' (FORMAT parquet)`);
    const encodings = await duckRows(`SELECT encodings FROM parquet_metadata('${dict}')`);
    expect(String(encodings[0]!.encodings)).toMatch(/DICTIONARY/);
    await expect(read(dict, source(await schemaOf(dict)))).rejects.toThrow(/unsafe-dict\.parquet: column "big" .*holds -9007199254740993/);

    // The largest exact values read exactly.
    const edge = path.join(dir, "safe-edge.parquet");
    await duck.run(`COPY (SELECT * FROM (VALUES (9007199254740991), (-9007199254740991), (0), (NULL)) t(big)) TO '${edge}' (FORMAT parquet)`);
    expect((await read(edge, source(await schemaOf(edge)))).rows).toEqual([[9007199254740991], [-9007199254740991], [0], [null]]);
  });

  it("refuses a file that is not Parquet, and a corrupt column chunk, as BadInput naming the file (and the column)", async () => {
    const text = path.join(dir, "text.parquet");
    await writeFile(text, "this is not parquet at all, just some text long enough");
    const schema: Schema = { fields: [{ name: "id", type: "long", nullable: true }] };
    const error = await read(text, source(schema)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskError);
    expect((error as TaskError).type).toBe("BadInput");
    expect((error as TaskError).message).toMatch(/text\.parquet: not a readable Parquet file/);

    const good = path.join(dir, "to-corrupt.parquet");
    await duck.run(`COPY (SELECT i AS id, 'value ' || i AS name FROM range(0, 5000) t(i)) TO '${good}' (FORMAT parquet)`);
    const bytes = new Uint8Array(await readFile(good));
    const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    const chunk = metadata.row_groups[0]!.columns.find((c) => c.meta_data!.path_in_schema[0] === "name")!.meta_data!;
    const start = Number(chunk.dictionary_page_offset || chunk.data_page_offset);
    const size = Number(chunk.total_compressed_size);
    // Garbage over the page data (past the page header), then over the whole chunk.
    for (const [from, label] of [
      [start + 24, "data"],
      [start, "header"],
    ] as const) {
      const corrupt = path.join(dir, `corrupt-${label}.parquet`);
      const copy = bytes.slice();
      for (let i = from; i < start + size; i++) copy[i] = (i * 131 + 7) & 0xff;
      await writeFile(corrupt, copy);
      const schema2 = await schemaOf(corrupt);
      const failure = await read(corrupt, source(schema2)).catch((e: unknown) => e);
      expect(failure, label).toBeInstanceOf(TaskError);
      expect((failure as TaskError).type).toBe("BadInput");
      expect((failure as TaskError).message).toMatch(new RegExp(`corrupt-${label}\\.parquet: column "name"`));
      // The intact column still reads.
      expect((await read(corrupt, source(schema2, ["id"]))).rows.length).toBe(5000);
    }
  });
});
