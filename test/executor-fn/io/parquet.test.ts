/**
 * Parquet interoperability on local[2], with DuckDB (@duckdb/node-api) as the independent
 * reader and writer: what sparkfn writes DuckDB reads back identically, what DuckDB writes
 * sparkfn reads identically, and a filter on a sorted column skips row groups.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, SparkSession, unix_micros, type RowObject } from "sparkfn";

let dir: string;
let duck: DuckDBConnection;
let spark: SparkSession;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-parquet-"));
  duck = await (await DuckDBInstance.create()).connect();
  spark = await SparkSession.builder().master("local[2]").getOrCreate();
}, 60_000);
afterAll(async () => {
  await spark.stop();
  duck.closeSync();
  await rm(dir, { recursive: true, force: true });
});

async function duckRows(sql: string): Promise<Record<string, unknown>[]> {
  const reader = await duck.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

const byId = (rows: RowObject[] | Record<string, unknown>[]) => [...rows].sort((a, b) => Number(a.id) - Number(b.id));

describe("Parquet", () => {
  it("writes files DuckDB reads back with identical rows", async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => ({
      id: i,
      big: i % 11 === 0 ? null : 2 ** 40 + i,
      amount: i % 7 === 0 ? null : i / 8,
      flag: i % 3 === 0,
      name: i % 5 === 0 ? null : `naïve ☃ ${i}`,
      day: i % 13 === 0 ? null : `2024-0${1 + (i % 9)}-1${i % 10}`,
    }));
    const out = path.join(dir, "written");
    await spark.createDataFrame(rows, "id INT, big BIGINT, amount DOUBLE, flag BOOLEAN, name STRING, day DATE").repartition(3).write.mode("overwrite").parquet(out);
    const files = (await readdir(out)).filter((f) => f.endsWith(".parquet"));
    expect(files.length).toBe(3);
    const back = await duckRows(`SELECT id, big, amount, flag, name, strftime(day, '%Y-%m-%d') AS day FROM read_parquet('${out}/*.parquet')`);
    // DuckDB's JSON rows give BIGINT as strings; compare as numbers.
    expect(byId(back).map((r) => ({ ...r, big: r.big === null ? null : Number(r.big) }))).toEqual(rows);
    // And sparkfn reads its own files back too (through the commit manifest).
    expect(byId(await spark.read.parquet(out).collect())).toEqual(rows);
  });

  it("reads files DuckDB wrote, with identical rows, lists of strings included", async () => {
    const file = path.join(dir, "duck.parquet");
    await duck.run(`COPY (
      SELECT i AS id, i * 1000000000 AS big, i / 4 AS ratio, 'v' || i AS label, i % 2 = 0 AS even,
             DATE '2024-01-01' + i::INTEGER AS day, CASE WHEN i % 4 = 0 THEN NULL ELSE i END AS maybe,
             ['a' || i, 'b'] AS tags
      FROM range(0, 3000) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`);
    const expected = await duckRows(`SELECT id, big, ratio, label, even, strftime(day, '%Y-%m-%d') AS day, maybe, tags FROM read_parquet('${file}') ORDER BY id`);
    const got = byId(await spark.read.parquet(file).collect());
    expect(got.map((r) => ({ ...r, big: String(r.big) }))).toEqual(expected.map((r) => ({ ...r, id: Number(r.id), big: String(r.big), maybe: r.maybe === null ? null : Number(r.maybe) })));
    const schema = await spark.read.parquet(file).schema();
    expect(schema.fields.map((f) => [f.name, f.type])).toEqual([["id", "long"], ["big", "long"], ["ratio", "double"], ["label", "string"], ["even", "boolean"], ["day", "date"], ["maybe", "long"], ["tags", "array<string>"]]);
  });

  it("writes timestamps DuckDB reads as instants (TIMESTAMP WITH TIME ZONE, microseconds) and reads DuckDB's of every unit back", async () => {
    // Microseconds before 1970, across a year end, with fractions, and the ends of Spark's range.
    const micros = [Date.UTC(1969, 11, 31, 23, 59, 59) * 1000 + 123_456, Date.UTC(2024, 1, 29, 12, 0, 0) * 1000 + 1, Date.UTC(1, 0, 1) * 1000, Date.UTC(9999, 11, 31, 23, 0, 0) * 1000, 0];
    const rows = Array.from({ length: 1500 }, (_, i) => ({ id: i, ts: i % 9 === 4 ? null : micros[i % micros.length]! + i * 1_000_001 }));
    const out = path.join(dir, "timestamps-written");
    const df = spark.createDataFrame(rows.map((r) => [r.id, r.ts]), "id INT, ts TIMESTAMP");
    await df.repartition(2).write.mode("overwrite").parquet(out);
    const types = await duckRows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${out}/*.parquet'))`);
    expect(types).toEqual([{ column_name: "id", column_type: "INTEGER" }, { column_name: "ts", column_type: "TIMESTAMP WITH TIME ZONE" }]);
    const back = await duckRows(`SELECT id, epoch_us(ts) AS ts FROM read_parquet('${out}/*.parquet')`);
    expect(byId(back).map((r) => ({ id: r.id, ts: r.ts === null ? null : Number(r.ts) }))).toEqual(rows);
    // sparkfn reads its own file back as timestamps; collect() gives Dates (milliseconds).
    const again = byId(await spark.read.parquet(out).collect());
    expect(again.map((r) => (r.ts === null ? null : (r.ts as Date).getTime()))).toEqual(rows.map((r) => (r.ts === null ? null : Math.floor(r.ts / 1000))));

    const file = path.join(dir, "duck-timestamps.parquet");
    await duck.run(`COPY (SELECT i AS id, TIMESTAMP '1950-06-15 08:00:00' + INTERVAL (i * 7919) SECOND + INTERVAL (i * 3) MICROSECOND AS us,
        (TIMESTAMP '1950-06-15 08:00:00' + INTERVAL (i * 7919) SECOND + INTERVAL (i * 3) MILLISECOND)::TIMESTAMP_MS AS ms,
        (TIMESTAMP '1950-06-15 08:00:00' + INTERVAL (i * 7919) SECOND + INTERVAL (i * 3) MICROSECOND)::TIMESTAMPTZ AS tz
      FROM range(0, 2000) t(i)) TO '${file}' (FORMAT parquet)`);
    const expected = await duckRows(`SELECT id, epoch_us(us) AS us, epoch_us(ms) AS ms, epoch_us(tz) AS tz FROM read_parquet('${file}') ORDER BY id`);
    const read = spark.read.parquet(file);
    // DuckDB's TIMESTAMP (not adjusted to UTC) is a wall clock: timestamp_ntz, as Spark reads it; TIMESTAMPTZ an instant.
    expect((await read.schema()).fields.map((f) => f.type)).toEqual(["long", "timestamp_ntz", "timestamp_ntz", "timestamp"]);
    // Microseconds exactly, through unix_micros (a Date would keep milliseconds only); a wall clock read in UTC (the session's zone) first.
    const got = await read.select(col("id"), ...["us", "ms"].map((c) => unix_micros(col(c).cast("timestamp")).alias(c)), unix_micros("tz").alias("tz")).orderBy("id").collect();
    expect(got).toEqual(expected.map((r) => ({ id: Number(r.id), us: Number(r.us), ms: Number(r.ms), tz: Number(r.tz) })));
  });

  it("writes timestamp_ntz as a TIMESTAMP not adjusted to UTC (DuckDB's TIMESTAMP) and reads DuckDB's back as wall clocks, unshifted by the session time zone", async () => {
    spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles");
    try {
      // Wall clocks: the Los Angeles spring gap (02:30 does not exist there) and fall overlap, before 1970, fractions, the ends of the range (whole seconds there: microseconds are exact for 1684-2255).
      const walls = ["2024-03-10T02:30:00", "2024-11-03T01:30:00.5", "1969-12-31T23:59:59.123456", "0001-01-01T00:00:00", "9999-12-31T23:59:59", "2000-02-29T12:00:00.000001"];
      const rows = Array.from({ length: 1200 }, (_, i) => ({ id: i, ts: i % 7 === 3 ? null : walls[i % walls.length]! }));
      const out = path.join(dir, "ntz-written");
      await spark.createDataFrame(rows.map((r) => [r.id, r.ts]), "id INT, ts TIMESTAMP_NTZ").repartition(2).write.mode("overwrite").parquet(out);
      const types = await duckRows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${out}/*.parquet'))`);
      expect(types).toEqual([{ column_name: "id", column_type: "INTEGER" }, { column_name: "ts", column_type: "TIMESTAMP" }]);
      // DuckDB's text of each wall clock, with Spark's trimmed fraction, is what was written.
      const duckText = (c: string) => `regexp_replace(regexp_replace(strftime(${c}, '%Y-%m-%dT%H:%M:%S.%f'), '0+$', ''), '\\.$', '')`;
      const back = await duckRows(`SELECT id, ${duckText("ts")} AS ts FROM read_parquet('${out}/*.parquet')`);
      expect(byId(back).map((r) => ({ id: r.id, ts: r.ts }))).toEqual(rows);
      expect(byId(await spark.read.parquet(out).collect())).toEqual(rows);

      const file = path.join(dir, "duck-ntz.parquet");
      await duck.run(`COPY (SELECT i AS id, TIMESTAMP '2024-03-10 01:00:00' + INTERVAL (i * 61) SECOND + INTERVAL (i * 7) MICROSECOND AS us,
          (TIMESTAMP '2024-11-03 00:30:00' + INTERVAL (i * 13) SECOND + INTERVAL (i * 3) MILLISECOND)::TIMESTAMP_MS AS ms
        FROM range(0, 1500) t(i)) TO '${file}' (FORMAT parquet)`);
      const expected = await duckRows(`SELECT id, ${duckText("us")} AS us, ${duckText("ms")} AS ms FROM read_parquet('${file}') ORDER BY id`);
      const read = spark.read.parquet(file);
      expect((await read.schema()).fields.map((f) => f.type)).toEqual(["long", "timestamp_ntz", "timestamp_ntz"]);
      const got = await read.orderBy("id").collect();
      expect(got).toEqual(expected.map((r) => ({ id: Number(r.id), us: r.us, ms: r.ms })));
    } finally {
      spark.conf.set("spark.sql.session.timeZone", "UTC");
    }
  });

  it("writes decimals DuckDB reads as DECIMAL(p, s) with every digit (INT32, INT64 and FIXED_LEN_BYTE_ARRAY)", async () => {
    // Values at each type's limits, negative, with trailing zeros, and null; given as text, the exact form.
    const small = ["0.00", "-0.05", "12.30", "9999999.99", "-9999999.99", null];
    const mid = ["123456789012.345678", "-0.000001", "0.000000", "999999999999.999999", null, "1.500000"];
    const wide = ["12345678901234567890123456789012.123456", "-99999999999999999999999999999999.999999", "0.000001", null, "7.000000", "-1.250000"];
    const rows = small.map((v, i) => [i, v, mid[i]!, wide[i]!]);
    const out = path.join(dir, "decimals-written");
    await spark.createDataFrame(rows, "id INT, small DECIMAL(9,2), mid DECIMAL(18,6), wide DECIMAL(38,6)").repartition(2).write.mode("overwrite").parquet(out);
    const types = await duckRows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${out}/*.parquet'))`);
    expect(types).toEqual([
      { column_name: "id", column_type: "INTEGER" },
      { column_name: "small", column_type: "DECIMAL(9,2)" },
      { column_name: "mid", column_type: "DECIMAL(18,6)" },
      { column_name: "wide", column_type: "DECIMAL(38,6)" },
    ]);
    // DuckDB prints each value; its text must be ours, digit for digit.
    const back = await duckRows(`SELECT id, small::VARCHAR AS small, mid::VARCHAR AS mid, wide::VARCHAR AS wide FROM read_parquet('${out}/*.parquet') ORDER BY id`);
    expect(back.map((r) => [Number(r.id), r.small, r.mid, r.wide])).toEqual(rows);
  });

  it("writes tinyint, smallint and float as INT_8, INT_16 and FLOAT, and reads DuckDB's back as those types", async () => {
    const rows = Array.from({ length: 600 }, (_, i) => [i, i % 9 === 0 ? null : (i % 256) - 128, (i * 113) % 65536 - 32768, i % 7 === 0 ? null : Math.fround(i / 3)]);
    const out = path.join(dir, "small-types-written");
    await spark.createDataFrame(rows, "id INT, b TINYINT, s SMALLINT, f FLOAT").repartition(2).write.mode("overwrite").parquet(out);
    const types = await duckRows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${out}/*.parquet'))`);
    expect(types.map((t) => [t.column_name, t.column_type])).toEqual([["id", "INTEGER"], ["b", "TINYINT"], ["s", "SMALLINT"], ["f", "FLOAT"]]);
    const back = await duckRows(`SELECT id, b, s, f::DOUBLE AS f FROM read_parquet('${out}/*.parquet') ORDER BY id`);
    expect(back.map((r) => [r.id, r.b, r.s, r.f])).toEqual(rows);

    const file = path.join(dir, "duck-small-types.parquet");
    await duck.run(`COPY (SELECT i AS id, ((i % 256) - 128)::TINYINT AS b, ((i * 113) % 65536 - 32768)::SMALLINT AS s, (i / 3)::FLOAT AS f FROM range(0, 600) t(i)) TO '${file}' (FORMAT parquet)`);
    const read = spark.read.parquet(file);
    expect((await read.schema()).fields.map((f) => f.type)).toEqual(["long", "byte", "short", "float"]);
    const expected = await duckRows(`SELECT id, b, s, f::DOUBLE AS f FROM read_parquet('${file}') ORDER BY id`);
    expect((await read.orderBy("id").collect()).map((r) => [r.id, r.b, r.s, r.f])).toEqual(expected.map((r) => [Number(r.id), r.b, r.s, r.f]));
  });

  it("writes binary as BYTE_ARRAY without annotation (DuckDB reads BLOB) and reads DuckDB's BLOBs back as binary, strings as strings", async () => {
    const hexes = ["", "00", "FF", "C3A9", "C3", "0A1B2C", "E282", "41424344"];
    const rows = Array.from({ length: 600 }, (_, i) => [i, i % 11 === 0 ? null : Uint8Array.from(Buffer.from(hexes[i % hexes.length]!, "hex"))]);
    const out = path.join(dir, "binary-written");
    await spark.createDataFrame(rows, "id INT, b BINARY").repartition(2).write.mode("overwrite").parquet(out);
    const types = await duckRows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${out}/*.parquet'))`);
    expect(types.map((t) => [t.column_name, t.column_type])).toEqual([["id", "INTEGER"], ["b", "BLOB"]]);
    const back = await duckRows(`SELECT id, hex(b) AS h FROM read_parquet('${out}/*.parquet') ORDER BY id`);
    expect(back.map((r) => [r.id, r.h])).toEqual(rows.map(([id, b]) => [id, b === null ? null : Buffer.from(b as Uint8Array).toString("hex").toUpperCase()]));

    // DuckDB's BLOBs (dictionary-encoded: few distinct values), a list of them, and a VARCHAR beside them.
    const file = path.join(dir, "duck-binary.parquet");
    await duck.run(
      `COPY (SELECT i AS id, CASE WHEN i % 13 = 0 THEN NULL ELSE unhex(['', '00', 'FF', 'C3A9', 'C3', '0A1B2C', 'E282'][i % 7 + 1]) END AS b, [unhex('FF01'), NULL, unhex('')] AS l, 'é' || i AS s FROM range(0, 600) t(i)) TO '${file}' (FORMAT parquet)`,
    );
    const read = spark.read.parquet(file);
    expect((await read.schema()).fields.map((f) => f.type)).toEqual(["long", "binary", "array<binary>", "string"]);
    const expected = await duckRows(`SELECT id, hex(b) AS h, [hex(x) for x in l] AS l, s FROM read_parquet('${file}') ORDER BY id`);
    const hexOf = (b: unknown) => (b === null ? null : Buffer.from(b as Uint8Array).toString("hex").toUpperCase());
    const got = (await read.orderBy("id").collect()).map((r) => [r.id, hexOf(r.b), (r.l as unknown[]).map(hexOf), r.s]);
    expect(got).toEqual(expected.map((r) => [Number(r.id), r.h, r.l, r.s]));
  });

  it("skips row groups a filter on a sorted column cannot match (task metrics)", async () => {
    const file = path.join(dir, "sorted.parquet");
    await duck.run(`COPY (SELECT i AS id, i % 10 AS k FROM range(0, 10000) t(i) ORDER BY id) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`);
    const groups = await duckRows(`SELECT row_group_id, max(stats_max::BIGINT) AS hi FROM parquet_metadata('${file}') WHERE path_in_schema = 'id' GROUP BY row_group_id`);
    const cannotMatch = groups.filter((g) => Number(g.hi) < 9000).length;
    const rows = await spark.read.parquet(file).filter(col("id").geq(9000)).collect();
    expect(rows.length).toBe(1000);
    const scan = spark.lastJobMetrics[0]!.tasks.map((t) => t.metrics.scan);
    expect(scan.reduce((n, s) => n + s.rowGroups, 0)).toBe(groups.length);
    expect(scan.reduce((n, s) => n + s.rowGroupsSkipped, 0)).toBe(cannotMatch);
    expect(cannotMatch).toBeGreaterThan(0);
  });

  it("merges the schemas of a dataset's files by column name, and names both files on a conflict", async () => {
    const merged = path.join(dir, "merged");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(merged, { recursive: true });
    await duck.run(`COPY (SELECT 1 AS id, 'a' AS name) TO '${merged}/part-0.parquet' (FORMAT parquet)`);
    await duck.run(`COPY (SELECT 2 AS id, 2.5 AS score) TO '${merged}/part-1.parquet' (FORMAT parquet)`);
    const df = spark.read.parquet(merged);
    expect((await df.schema()).fields.map((f) => f.name)).toEqual(["id", "name", "score"]);
    expect(await df.orderBy("id").collect()).toEqual([{ id: 1, name: "a", score: null }, { id: 2, name: null, score: 2.5 }]);
    await duck.run(`COPY (SELECT 'three' AS id) TO '${merged}/part-2.parquet' (FORMAT parquet)`);
    await expect(spark.read.parquet(merged).collect()).rejects.toThrow(/Parquet files disagree on column "id": int in \S+part-0\.parquet, string in \S+part-2\.parquet/);
  });

  it("refuses a file that is not Parquet, naming it", async () => {
    const { writeFile } = await import("node:fs/promises");
    const bad = path.join(dir, "bad.parquet");
    await writeFile(bad, "this is not parquet at all, just some text long enough");
    await expect(spark.read.parquet(bad).collect()).rejects.toThrow(/bad\.parquet is not a readable Parquet file/);
  });
});
