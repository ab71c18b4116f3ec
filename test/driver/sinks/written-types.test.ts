/**
 * Interval columns written by a local session: CSV and JSON hold Spark's interval text, the
 * lines below being what PySpark 4.0.1 wrote for the same values (written down by hand); Parquet
 * is refused before the write runs (driver/sinks/written-types.ts). Read with an interval
 * schema, the text converts as PySpark 4.0.1 read it (a malformed value is null).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

  it("are refused in Parquet, saying what to do instead", async () => {
    await expect(spark.sql(query).write.mode("overwrite").parquet(path.join(dir, "parquet"))).rejects.toThrow(/UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE.*`i` of the type "interval day"/);
  });
});
