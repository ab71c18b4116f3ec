/**
 * Timestamps through the text formats on local[1]: CSV schema inference as Spark 4 infers
 * (dates, timestamps, dates among timestamps), reading in the session time zone or the
 * reader's `timeZone`, `timestampFormat`, malformed text per parse mode, JSON strings and
 * numbers (seconds), and what CSV and JSON writers print (Spark's default
 * yyyy-MM-dd'T'HH:mm:ss.SSSXXX) and partition folders hold. Expected instants come from
 * Date.UTC, written out by hand.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SparkSession, unix_micros, col } from "sparkfn";

let dir: string;
const sessions: SparkSession[] = [];
/** A new session in `zone` (getOrCreate would return the running one: stop it first). */
const session = async (zone?: string) => {
  for (const s of sessions.splice(0)) await s.stop();
  const builder = SparkSession.builder().master("local[1]");
  if (zone) builder.config("spark.sql.session.timeZone", zone);
  const spark = await builder.getOrCreate();
  spark.sparkContext.setLogLevel("OFF");
  sessions.push(spark);
  return spark;
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-ts-io-"));
  await writeFile(
    path.join(dir, "events.csv"),
    ["id,at,day,mixed,text", "1,2024-03-07 12:34:56,2024-03-07,2024-03-07,2024-03-07 12:34:56", "2,2024-03-07T01:02:03.5Z,2024-03-08,2024-03-08 10:00:00,nope", "3,,2024-03-09,,"].join("\n") + "\n",
  );
  await writeFile(path.join(dir, "formatted.csv"), "id,at\n1,07/03/2024 13:02\n2,2024-03-07 13:02:00\n");
  await writeFile(path.join(dir, "events.json"), '{"id":1,"at":"2024-03-07 12:34:56"}\n{"id":2,"at":1700000000.25}\n{"id":3,"at":"bad"}\n');
});
afterAll(async () => {
  for (const s of sessions) await s.stop();
  await rm(dir, { recursive: true, force: true });
});

const micros = (...f: [number, number, number, number?, number?, number?]) => Date.UTC(f[0], f[1] - 1, f[2], f[3] ?? 0, f[4] ?? 0, f[5] ?? 0) * 1000;
const asMicros = (df: ReturnType<SparkSession["createDataFrame"]>, c: string) => df.select(col("id"), unix_micros(c).alias(c)).orderBy("id").collect();

describe("timestamps in CSV and JSON", () => {
  it("infers dates and timestamps as Spark 4 does, and reads them in the session time zone", async () => {
    const spark = await session("Asia/Kolkata");
    const df = spark.read.option("header", true).option("inferSchema", true).csv(path.join(dir, "events.csv"));
    expect((await df.schema()).fields.map((f) => [f.name, f.type])).toEqual([["id", "int"], ["at", "timestamp"], ["day", "date"], ["mixed", "timestamp"], ["text", "string"]]);
    const kolkata = 5.5 * 3_600_000_000;
    expect(await asMicros(df, "at")).toEqual([
      { id: 1, at: micros(2024, 3, 7, 12, 34, 56) - kolkata },
      { id: 2, at: micros(2024, 3, 7, 1, 2, 3) + 500_000 },
      { id: 3, at: null },
    ]);
    expect(await asMicros(df, "mixed")).toEqual([{ id: 1, mixed: micros(2024, 3, 7) - kolkata }, { id: 2, mixed: micros(2024, 3, 8, 10) - kolkata }, { id: 3, mixed: null }]);
    // The reader's timeZone option wins over the session's.
    const utc = spark.read.option("header", true).option("timeZone", "UTC").schema("id INT, at TIMESTAMP").csv(path.join(dir, "events.csv"));
    expect((await asMicros(utc, "at"))[0]).toEqual({ id: 1, at: micros(2024, 3, 7, 12, 34, 56) });
  });

  it("reads timestampFormat; text that does not fit is a malformed record (null in PERMISSIVE, an error naming the line in FAILFAST)", async () => {
    const spark = await session();
    const read = (mode: string) => spark.read.option("header", true).option("mode", mode).option("timestampFormat", "dd/MM/yyyy HH:mm").schema("id INT, at TIMESTAMP").csv(path.join(dir, "formatted.csv"));
    expect(await asMicros(read("PERMISSIVE"), "at")).toEqual([{ id: 1, at: micros(2024, 3, 7, 13, 2) }, { id: 2, at: null }]);
    await expect(read("FAILFAST").collect()).rejects.toThrow(/formatted\.csv:3: malformed record.*"at"/);
    expect(() => spark.read.option("timestampFormat", "yyyy-bb").schema("at TIMESTAMP").csv(path.join(dir, "formatted.csv"))).not.toThrow();
    await expect(spark.read.option("timestampFormat", "yyyy-bb").schema("at TIMESTAMP").csv(path.join(dir, "formatted.csv")).collect()).rejects.toThrow(/pattern/);
  });

  it("reads JSON strings and numbers (seconds since the epoch) into a declared timestamp column", async () => {
    const spark = await session();
    const df = spark.read.option("mode", "PERMISSIVE").schema("id INT, at TIMESTAMP").json(path.join(dir, "events.json"));
    expect(await asMicros(df, "at")).toEqual([{ id: 1, at: micros(2024, 3, 7, 12, 34, 56) }, { id: 2, at: 1_700_000_000_250_000 }, { id: 3, at: null }]);
  });

  it("writes timestamps as Spark's default format in the session time zone, and partition folders as their text", async () => {
    const spark = await session("America/Los_Angeles");
    const df = spark.createDataFrame([[1, micros(2024, 3, 7, 12, 34, 56) + 500_000], [2, micros(2024, 7, 1)], [3, null]], "id INT, at TIMESTAMP");
    const csvOut = path.join(dir, "out-csv");
    await df.coalesce(1).write.mode("overwrite").option("header", true).csv(csvOut);
    const csvFile = (await readdir(csvOut)).find((f) => f.endsWith(".csv"))!;
    expect((await readFile(path.join(csvOut, csvFile), "utf8")).trim().split("\n")).toEqual(["id,at", "1,2024-03-07T04:34:56.500-08:00", "2,2024-06-30T17:00:00.000-07:00", "3,"]);
    const jsonOut = path.join(dir, "out-json");
    await df.coalesce(1).write.mode("overwrite").json(jsonOut);
    const jsonFile = (await readdir(jsonOut)).find((f) => f.endsWith(".json"))!;
    expect((await readFile(path.join(jsonOut, jsonFile), "utf8")).trim().split("\n")).toEqual(['{"id":1,"at":"2024-03-07T04:34:56.500-08:00"}', '{"id":2,"at":"2024-06-30T17:00:00.000-07:00"}', '{"id":3}']);
    // What was written reads back as the same instants (to the millisecond the format keeps).
    const back = spark.read.option("header", true).schema("id INT, at TIMESTAMP").csv(csvOut);
    expect(await asMicros(back, "at")).toEqual([{ id: 1, at: micros(2024, 3, 7, 12, 34, 56) + 500_000 }, { id: 2, at: micros(2024, 7, 1) }, { id: 3, at: null }]);
    const parted = path.join(dir, "out-parted");
    await df.write.mode("overwrite").partitionBy("at").csv(parted);
    expect((await readdir(parted)).filter((f) => f.startsWith("at=")).sort()).toEqual(["at=2024-03-07 04%3A34%3A56.5", "at=2024-06-30 17%3A00%3A00", "at=__HIVE_DEFAULT_PARTITION__"]);
    // Declared as a timestamp, the folders read back as the same instants (in the session time zone they were written in).
    const partedBack = spark.read.schema("id INT, at TIMESTAMP").csv(parted);
    expect(await asMicros(partedBack, "at")).toEqual([{ id: 1, at: micros(2024, 3, 7, 12, 34, 56) + 500_000 }, { id: 2, at: micros(2024, 7, 1) }, { id: 3, at: null }]);
  });
});

/**
 * timestamp_ntz through CSV and JSON in a session zone with daylight saving: wall clocks are
 * read and written as they are. Expected values are what Spark 4.0.1 gave for the same files
 * and rows (session zone America/Los_Angeles): a zone in the text, a time alone and a JSON
 * number do not fit; timestampNTZFormat reads a pattern; writers print yyyy-MM-dd'T'HH:mm:ss.SSS.
 */
describe("timestamp_ntz in CSV and JSON", () => {
  const lines = ["2024-03-10 02:30:00", "2024-03-10T02:30:00.5", "2024-03-10", "2024-03-10 02:30:00+08:00", "bad", "12:34:56"];
  const values = async (df: ReturnType<SparkSession["createDataFrame"]>) => (await df.collect()).map((r) => r.n);

  it("reads declared timestamp_ntz columns as wall clocks, unshifted by the session time zone", async () => {
    const spark = await session("America/Los_Angeles");
    await writeFile(path.join(dir, "walls.csv"), lines.join("\n") + "\n");
    const csv = spark.read.schema("n TIMESTAMP_NTZ").csv(path.join(dir, "walls.csv"));
    expect(await values(csv)).toEqual(["2024-03-10T02:30:00", "2024-03-10T02:30:00.5", "2024-03-10T00:00:00", null, null, null]);
    const formatted = spark.read.schema("n TIMESTAMP_NTZ").option("timestampNTZFormat", "yyyy-MM-dd HH:mm:ss").csv(path.join(dir, "walls.csv"));
    expect(await values(formatted)).toEqual(["2024-03-10T02:30:00", null, null, null, null, null]);
    await writeFile(path.join(dir, "walls.json"), ['{"n":"2024-03-10 02:30:00"}', '{"n":"2024-03-10T02:30:00.5"}', '{"n":"2024-03-10 02:30:00+08:00"}', '{"n":1700000000}', '{"n":"bad"}'].join("\n") + "\n");
    const json = spark.read.schema("n TIMESTAMP_NTZ").json(path.join(dir, "walls.json"));
    expect(await values(json)).toEqual(["2024-03-10T02:30:00", "2024-03-10T02:30:00.5", null, null, null]);
  });

  it("writes timestamp_ntz as its wall clock with milliseconds and no zone", async () => {
    const spark = await session("America/Los_Angeles");
    const df = spark.createDataFrame([["2024-03-10T02:30:00.5", 1], ["2024-03-10T02:30:00", 2], ["2024-03-10T02:30:00.123456", 3]], "n TIMESTAMP_NTZ, id INT");
    const csvOut = path.join(dir, "out-ntz-csv");
    await df.coalesce(1).write.mode("overwrite").csv(csvOut);
    const csvFile = (await readdir(csvOut)).find((f) => f.endsWith(".csv"))!;
    expect((await readFile(path.join(csvOut, csvFile), "utf8")).trim().split("\n")).toEqual(["2024-03-10T02:30:00.500,1", "2024-03-10T02:30:00.000,2", "2024-03-10T02:30:00.123,3"]);
    const jsonOut = path.join(dir, "out-ntz-json");
    await df.coalesce(1).write.mode("overwrite").json(jsonOut);
    const jsonFile = (await readdir(jsonOut)).find((f) => f.endsWith(".json"))!;
    expect((await readFile(path.join(jsonOut, jsonFile), "utf8")).trim().split("\n")).toEqual([
      '{"n":"2024-03-10T02:30:00.500","id":1}',
      '{"n":"2024-03-10T02:30:00.000","id":2}',
      '{"n":"2024-03-10T02:30:00.123","id":3}',
    ]);
    // Partition folders hold the wall clock's text, escaped as Spark escapes it (the colons, not the space), and read back
    // as the same wall clocks when declared.
    const parted = path.join(dir, "out-ntz-parted");
    await df.write.mode("overwrite").partitionBy("n").csv(parted);
    expect((await readdir(parted)).filter((f) => f.startsWith("n=")).sort()).toEqual(["n=2024-03-10 02%3A30%3A00", "n=2024-03-10 02%3A30%3A00.123456", "n=2024-03-10 02%3A30%3A00.5"]);
    const back = await spark.read.schema("id INT, n TIMESTAMP_NTZ").csv(parted).orderBy("id").collect();
    expect(back).toEqual([{ id: 1, n: "2024-03-10T02:30:00.5" }, { id: 2, n: "2024-03-10T02:30:00" }, { id: 3, n: "2024-03-10T02:30:00.123456" }]);
  });
});
