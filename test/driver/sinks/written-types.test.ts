/**
 * Interval columns written by a local session: CSV and JSON hold Spark's interval text, the
 * lines below being what PySpark 4.0.1 wrote for the same values (written down by hand). Read with
 * an interval schema, the text converts as PySpark 4.0.1 read it (a malformed value is null).
 * Parquet holds them as Spark writes them (a day-time interval an INT64 of microseconds, a
 * year-month interval an INT32 of months, Spark's schema in the metadata): read back by
 * sparkfn as intervals, by DuckDB as the numbers; an interval inside a nested type is refused
 * before the write runs (driver/sinks/written-types.ts).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDBInstance } from "@duckdb/node-api";
import { parquetMetadata } from "hyparquet";
import { SparkSession } from "sparkfn";

let spark: SparkSession;
let dir: string;

beforeAll(async () => {
  spark = await SparkSession.builder().appName("written-types").master("local[1]").getOrCreate();
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-intervals-"));
});

afterAll(async () => {
  await spark.stop();
  await rm(dir, { recursive: true, force: true });
});

async function written(out: string): Promise<string> {
  const files = (await readdir(out)).filter((f) => f.startsWith("part-"));
  return (await Promise.all(files.map((f) => readFile(path.join(out, f), "utf8")))).join("");
}

describe("interval columns written to files", () => {
  const query = "SELECT interval '3' day AS i, interval '1-2' year to month AS y, interval '5' month AS m";

  it("are Spark's text in CSV and JSON", async () => {
    await spark.sql(query).write.mode("overwrite").csv(path.join(dir, "csv"));
    expect(await written(path.join(dir, "csv"))).toBe("INTERVAL '3' DAY,INTERVAL '1-2' YEAR TO MONTH,INTERVAL '5' MONTH\n");
    await spark.sql(query).write.mode("overwrite").json(path.join(dir, "json"));
    expect(await written(path.join(dir, "json"))).toBe(`{"i":"INTERVAL '3' DAY","y":"INTERVAL '1-2' YEAR TO MONTH","m":"INTERVAL '5' MONTH"}\n`);
  });

  it("are read from CSV and JSON text, a malformed value as null", async () => {
    await writeFile(path.join(dir, "in.csv"), "INTERVAL '3' DAY,1\n3,2\nbad,3\n");
    await writeFile(path.join(dir, "in.json"), `{"i":"INTERVAL '3' DAY","n":1}\n{"i":"3","n":2}\n{"i":"bad","n":3}\n`);
    for (const format of ["csv", "json"] as const) {
      const rows = await spark.read.schema("i INTERVAL DAY, n INT").option("mode", "PERMISSIVE").format(format).load(path.join(dir, `in.${format}`)).selectExpr("CAST(i AS STRING) AS i", "n").orderBy("n").collect();
      expect(rows, format).toEqual([{ i: "INTERVAL '3' DAY", n: 1 }, { i: "INTERVAL '3' DAY", n: 2 }, { i: null, n: 3 }]);
    }
  });

  it("are a long or an int in Parquet, with Spark's schema in the metadata, and read back as intervals", async () => {
    const out = path.join(dir, "parquet");
    const values = "SELECT * FROM VALUES (interval '3 00:00:00' day to second, interval '1-2' year to month, 1), (interval '-1 02:03:04.5' day to second, interval '-0-5' year to month, 2), (null, null, 3) AS t(d, y, n)";
    await spark.sql(values).write.mode("overwrite").parquet(out);
    // Microseconds and months, counted here by hand.
    const micros = [3 * 86_400e6, -(86_400e6 + 2 * 3_600e6 + 3 * 60e6 + 4.5e6), null];
    const months = [14, -5, null];
    const back = spark.read.parquet(out);
    expect((await back.schema()).fields.map((f) => [f.name, f.type])).toEqual([["d", "interval day to second"], ["y", "interval year to month"], ["n", "int"]]);
    expect((await back.orderBy("n").collect()).map((r) => [r.d, r.y])).toEqual(micros.map((m, i) => [m, months[i]]));
    // Compared and filtered as intervals (the filter may skip row groups by their statistics).
    const filtered = await back.filter("d > interval '1' day").selectExpr("CAST(d AS STRING) AS d", "CAST(y AS STRING) AS y").collect();
    expect(filtered).toEqual([{ d: "INTERVAL '3 00:00:00' DAY TO SECOND", y: "INTERVAL '1-2' YEAR TO MONTH" }]);
    // The file as Spark writes it: plain INT64 and INT32, and Spark's schema under its key.
    const file = (await readdir(out)).find((f) => f.endsWith(".parquet"))!;
    const bytes = await readFile(path.join(out, file));
    const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    expect(meta.schema.slice(1).map((e) => [e.name, e.type, e.converted_type ?? null, e.logical_type ?? null])).toEqual([["d", "INT64", null, null], ["y", "INT32", null, null], ["n", "INT32", null, null]]);
    const spark_schema = JSON.parse(meta.key_value_metadata!.find((kv) => kv.key === "org.apache.spark.sql.parquet.row.metadata")!.value!);
    expect(spark_schema).toEqual({
      type: "struct",
      fields: [
        { name: "d", type: "interval day to second", nullable: true, metadata: {} },
        { name: "y", type: "interval year to month", nullable: true, metadata: {} },
        { name: "n", type: "integer", nullable: true, metadata: {} },
      ],
    });
    // DuckDB, which knows no Spark schema, reads the numbers.
    const instance = await DuckDBInstance.create(":memory:");
    const duck = await instance.connect();
    try {
      const rows = (await duck.runAndReadAll(`SELECT d, y FROM read_parquet('${path.join(out, "*.parquet")}') ORDER BY n`)).getRowObjectsJS();
      expect(rows.map((r) => [r.d === null ? null : Number(r.d), r.y])).toEqual(micros.map((m, i) => [m, months[i]]));
    } finally {
      duck.closeSync();
      instance.closeSync();
    }
  });

  it("inside an array, a map or a struct are refused in Parquet, saying what to do instead", async () => {
    await expect(spark.sql("SELECT array(interval '3' day) AS a").write.mode("overwrite").parquet(path.join(dir, "nested"))).rejects.toThrow(/UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE.*`a` of the type "array<interval day>".*column of its own/);
    await expect(spark.sql("SELECT named_struct('x', 1, 'y', map('k', interval '1' month)) AS s").write.mode("overwrite").parquet(path.join(dir, "nested"))).rejects.toThrow(/UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE.*`s`/);
    // A field merely named "interval ..." is no interval.
    await spark.sql("SELECT named_struct('interval start', 1) AS s").write.mode("overwrite").parquet(path.join(dir, "named"));
    expect(await spark.read.parquet(path.join(dir, "named")).selectExpr("s.`interval start` AS v").collect()).toEqual([{ v: 1 }]);
  });

  it("of files that differ in their fields read as the widest; a partition column's folder holds the interval's text", async () => {
    const out = path.join(dir, "appended");
    await spark.sql("SELECT interval '3' day AS d, 1 AS n").write.mode("overwrite").parquet(out);
    await spark.sql("SELECT interval '1 02:00:00' day to second AS d, 2 AS n").write.mode("append").parquet(out);
    const back = spark.read.parquet(out);
    expect((await back.schema()).fields.find((f) => f.name === "d")!.type).toBe("interval day to second");
    expect((await back.orderBy("n").collect()).map((r) => r.d)).toEqual([3 * 86_400e6, 86_400e6 + 2 * 3_600e6]);
    // Spark names the folder by the value cast to a string (its escaping differs, %-decoded alike).
    const parted = path.join(dir, "parted");
    await spark.sql("SELECT interval '1' day AS d, 1 AS n").write.mode("overwrite").partitionBy("d").parquet(parted);
    expect((await readdir(parted)).filter((f) => f.startsWith("d=")).map(decodeURIComponent)).toEqual(["d=INTERVAL '1' DAY"]);
  });
});
