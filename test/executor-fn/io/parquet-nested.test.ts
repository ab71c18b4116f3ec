/**
 * Parquet LIST, MAP and group columns on local[2], checked against DuckDB (@duckdb/node-api)
 * in both directions: files DuckDB writes read as the values DuckDB reads from them (nulls and
 * empties at every level, several row groups and pages), and files sparkfn writes read in
 * DuckDB as the rows sparkfn was given, with Spark's nested types. DECIMAL leaves read as
 * doubles by default and exactly when the scan's schema declares decimal(p, s).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, SparkSession, type RowObject } from "sparkfn";

let dir: string;
let duck: DuckDBConnection;
let spark: SparkSession;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-parquet-nested-"));
  duck = await (await DuckDBInstance.create()).connect();
  spark = await SparkSession.builder().master("local[2]").getOrCreate();
}, 60_000);
afterAll(async () => {
  await spark.stop();
  duck.closeSync();
  await rm(dir, { recursive: true, force: true });
});

async function duckRows(sql: string): Promise<Record<string, unknown>[]> {
  return (await duck.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

/** A collected value as JSON would hold it: Maps as objects with string keys, Dates as their milliseconds. */
function plain(v: unknown): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)]));
  if (v instanceof Date) return v.getTime();
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

const ROWS = 3000;

describe("Parquet nested columns", () => {
  it("reads DuckDB's lists, maps and structs as the values DuckDB reads, with Spark's types", async () => {
    const file = path.join(dir, "duck-nested.parquet");
    // Nulls and empties at every level; Unicode; a map whose keys are not in sorted order.
    await duck.run(`COPY (
      SELECT i AS id,
        CASE WHEN i % 5 = 0 THEN NULL WHEN i % 5 = 1 THEN [] ELSE [i, NULL, -i * 2] END AS ints,
        CASE WHEN i % 7 = 3 THEN NULL ELSE [['ä' || i, NULL], [], NULL, ['🦆']] END AS words,
        CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN MAP {} ELSE MAP {'k' || i: i, 'z': NULL, 'a': 7} END AS counts,
        MAP {i % 10 + 100: [i * 0.5, NULL], 3: NULL} AS by_int,
        CASE WHEN i % 3 = 0 THEN NULL ELSE {'a': i, 'b': [{'x': 'q' || i, 'y': [true, NULL]}, NULL], 'c': NULL::INT} END AS s,
        {'amount': (i * 1.25)::DECIMAL(12, 2), 'day': DATE '2024-02-27' + (i % 5)::INT, 'ts': [TIMESTAMP '2024-03-31 01:30:00' + INTERVAL (i * 61001) MILLISECOND]} AS info
      FROM range(0, ${ROWS}) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`);
    const df = spark.read.parquet(file);
    expect((await df.schema()).fields.map((f) => [f.name, f.type])).toEqual([
      ["id", "long"],
      ["ints", "array<long>"],
      ["words", "array<array<string>>"],
      ["counts", "map<string,long>"],
      ["by_int", "map<long,array<double>>"],
      ["s", "struct<a:long,b:array<struct<x:string,y:array<boolean>>>,c:int>"],
      // DuckDB's TIMESTAMP is a wall clock (not adjusted to UTC): timestamp_ntz, as Spark reads it.
      ["info", "struct<amount:double,day:date,ts:array<timestamp_ntz>>"],
    ]);
    const expected = await duckRows(`SELECT to_json({'id': id, 'ints': ints, 'words': words, 'counts': counts, 'by_int': by_int, 's': s,
        'info': {'amount': info.amount, 'day': strftime(info.day, '%Y-%m-%d'), 'ts': list_transform(info.ts, x -> regexp_replace(regexp_replace(strftime(x, '%Y-%m-%dT%H:%M:%S.%f'), '0+$', ''), '\\.$', ''))}}) AS j,
        to_json(map_keys(counts)) AS count_keys, to_json(map_keys(by_int)) AS int_keys
      FROM read_parquet('${file}') ORDER BY id`);
    const got = await df.orderBy("id").collect();
    expect(got.length).toBe(ROWS);
    expect(got.map((r) => plain(r))).toEqual(expected.map((r) => JSON.parse(r.j as string)));
    // Entries keep their order and integer keys stay integers.
    expect(got.map((r) => (r.counts === null ? null : [...(r.counts as Map<unknown, unknown>).keys()]))).toEqual(expected.map((r) => JSON.parse(r.count_keys as string)));
    expect(got.map((r) => [...(r.by_int as Map<unknown, unknown>).keys()])).toEqual(expected.map((r) => JSON.parse(r.int_keys as string)));

    // The engine works on what it read: a nested field, an element and a map lookup.
    const picked = await df
      .select(col("id"), col("s.b").getItem(0).getField("x").alias("x"), col("counts").getItem("z").alias("z"), col("info.amount").alias("amount"))
      .where(col("id").lt(4))
      .orderBy("id")
      .collect();
    expect(picked).toEqual([
      { id: 0, x: null, z: null, amount: 0 },
      { id: 1, x: "q1", z: null, amount: 1.25 },
      { id: 2, x: "q2", z: null, amount: 2.5 },
      { id: 3, x: null, z: null, amount: 3.75 },
    ]);
  });

  it("reads DECIMAL leaves exactly when the scan declares decimal(p, s)", async () => {
    const file = path.join(dir, "duck-decimals.parquet");
    await duck.run(`COPY (SELECT i AS id, [(i * 1234567.891)::DECIMAL(38, 10), NULL] AS wide, {'d': (i / 7)::DECIMAL(9, 4)} AS narrow,
        (i * 99999999999.99)::DECIMAL(18, 2) AS flat
      FROM range(0, 500) t(i)) TO '${file}' (FORMAT parquet)`);
    const expected = await duckRows(`SELECT id, wide[1]::VARCHAR AS wide, narrow.d::VARCHAR AS narrow, flat::VARCHAR AS flat FROM read_parquet('${file}') ORDER BY id`);
    const df = spark.read.schema("id LONG, wide ARRAY<DECIMAL(38,10)>, narrow STRUCT<d: DECIMAL(9,4)>, flat DECIMAL(18,2)").parquet(file);
    const got = await df.orderBy("id").collect();
    // collect() gives decimals as their exact text; DuckDB prints the same digits.
    expect(got.map((r) => ({ id: r.id, wide: (r.wide as unknown[])[0], narrow: (r.narrow as { d: string }).d, flat: r.flat }))).toEqual(
      expected.map((r) => ({ id: Number(r.id), wide: r.wide, narrow: r.narrow, flat: r.flat })),
    );
    expect((got[3]!.wide as unknown[])[1]).toBeNull();
  });

  it("reads the older layouts Spark's legacy format writes (two-level lists, bag lists, MAP_KEY_VALUE) as DuckDB does", async () => {
    // Written by PySpark 4.0.1 with spark.sql.parquet.writeLegacyFormat=true (fixtures/spark-legacy-nested.py).
    const file = path.join(import.meta.dirname, "fixtures", "spark-legacy-nested.parquet");
    const df = spark.read.parquet(file);
    expect((await df.schema()).fields.map((f) => [f.name, f.type])).toEqual([
      ["id", "int"],
      ["ints", "array<int>"],
      ["maybe", "array<string>"],
      ["pairs", "array<struct<k:string,v:long>>"],
      ["m", "map<string,array<int>>"],
      ["amount", "double"],
    ]);
    const expected = await duckRows(`SELECT to_json({'id': id, 'ints': ints, 'maybe': maybe, 'pairs': pairs, 'm': m, 'amount': amount::DOUBLE}) AS j,
        amount::VARCHAR AS exact FROM read_parquet('${file}') ORDER BY id`);
    expect(expected.length).toBe(40);
    expect((await df.orderBy("id").collect()).map(plain)).toEqual(expected.map((r) => JSON.parse(r.j as string)));
    const exact = await spark.read.schema("id INT, amount DECIMAL(12,2)").parquet(file).orderBy("id").collect();
    expect(exact.map((r) => r.amount)).toEqual(expected.map((r) => r.exact));
  });

  it("writes lists, maps and structs that DuckDB reads as the rows sparkfn was given", async () => {
    const rows = Array.from({ length: 2400 }, (_, i) => ({
      id: i,
      tags: i % 6 === 0 ? null : i % 6 === 1 ? [] : [`t${i}`, null, "ü"],
      grid: i % 9 === 0 ? null : [[i, null], [], null, [i * 3]],
      attrs: i % 5 === 0 ? null : i % 5 === 1 ? new Map() : new Map<string, number | null>([[`k${i}`, i], ["none", null], ["a", -1]]),
      scores: new Map<number, string[] | null>([[i % 13, ["x", `${i}`]], [-1, null]]),
      user: i % 4 === 0 ? null : { name: i % 8 === 1 ? null : `ñame ${i}`, visits: [{ day: `2024-0${1 + (i % 9)}-0${1 + (i % 8)}`, amount: `${i}.${String(i % 100).padStart(2, "0")}` }, null] },
      seen: [i * 1_000_000 + 123_000, null],
    }));
    const ddl =
      "id INT, tags ARRAY<STRING>, grid ARRAY<ARRAY<INT>>, attrs MAP<STRING, INT>, scores MAP<INT, ARRAY<STRING>>, " +
      "user STRUCT<name: STRING, visits: ARRAY<STRUCT<day: DATE, amount: STRING>>>, seen ARRAY<TIMESTAMP>";
    const out = path.join(dir, "written-nested");
    // createDataFrame takes decimals in top-level columns only: the amounts become decimals by a nested cast.
    const df = spark
      .createDataFrame(
        rows.map((r) => [r.id, r.tags, r.grid, r.attrs, r.scores, r.user, r.seen.map((m) => (m === null ? null : new Date(m / 1000)))]),
        ddl,
      )
      .withColumn("user", col("user").cast("struct<name: string, visits: array<struct<day: date, amount: decimal(10,2)>>>"));
    await df.repartition(3).write.mode("overwrite").parquet(out);
    const types = await duckRows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${out}/*.parquet'))`);
    expect(types.map((t) => [t.column_name, t.column_type])).toEqual([
      ["id", "INTEGER"],
      ["tags", "VARCHAR[]"],
      ["grid", "INTEGER[][]"],
      ["attrs", "MAP(VARCHAR, INTEGER)"],
      ["scores", "MAP(INTEGER, VARCHAR[])"],
      ["user", 'STRUCT("name" VARCHAR, visits STRUCT("day" DATE, amount DECIMAL(10,2))[])'],
      ["seen", "TIMESTAMP WITH TIME ZONE[]"],
    ]);
    const back = await duckRows(`SELECT id, to_json(tags) AS tags, to_json(grid) AS grid, to_json(attrs) AS attrs, to_json(map_keys(attrs)) AS attr_keys,
        to_json(scores) AS scores, to_json(map_keys(scores)) AS score_keys,
        to_json(CASE WHEN "user" IS NULL THEN NULL ELSE {'name': "user".name, 'visits': list_transform("user".visits, v -> CASE WHEN v IS NULL THEN NULL ELSE {'day': strftime(v.day, '%Y-%m-%d'), 'amount': v.amount::VARCHAR} END)} END) AS "user",
        to_json(list_transform(seen, x -> epoch_us(x))) AS seen
      FROM read_parquet('${out}/*.parquet') ORDER BY id`);
    const json = (v: unknown) => JSON.parse(v as string) as unknown;
    expect(back.map((r) => ({ id: r.id, tags: json(r.tags), grid: json(r.grid), attrs: json(r.attrs), scores: json(r.scores), user: json(r.user), seen: json(r.seen) }))).toEqual(
      rows.map((r) => ({ ...r, attrs: plain(r.attrs), scores: plain(r.scores) })),
    );
    expect(back.map((r) => json(r.attr_keys))).toEqual(rows.map((r) => (r.attrs === null ? null : [...r.attrs.keys()])));
    expect(back.map((r) => json(r.score_keys))).toEqual(rows.map((r) => [...r.scores.keys()]));

    // sparkfn reads its own files back as it wrote them.
    const again = (await spark.read.parquet(out).orderBy("id").collect()) as RowObject[];
    expect((await spark.read.parquet(out).schema()).fields.map((f) => f.type)).toEqual(["int", "array<string>", "array<array<int>>", "map<string,int>", "map<int,array<string>>", "struct<name:string,visits:array<struct<day:date,amount:double>>>", "array<timestamp>"]);
    expect(again.map((r) => plain({ ...r, seen: (r.seen as (Date | null)[]).map((d) => (d === null ? null : d.getTime() * 1000)) }))).toEqual(
      rows.map((r) => plain({ ...r, user: r.user === null ? null : { ...r.user, visits: r.user.visits.map((v) => (v === null ? null : { ...v, amount: Number(v.amount) })) } })),
    );
  });
});
