/**
 * A self-join's output through the session on local[1]: writing two columns of one name is
 * refused before anything runs (Spark's COLUMN_ALREADY_EXISTS) and leaves no output; a select
 * that names each column writes under the users' names; explain() prints the sides' columns
 * as Spark prints attributes (name#n).
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, SparkSession } from "../../../driver/index.ts";

let spark: SparkSession;
let dir: string;
beforeAll(async () => {
  spark = await SparkSession.builder().appName("self-join").master("local[1]").getOrCreate();
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-self-join-"));
});
afterAll(async () => {
  await spark?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("a self-join's output", () => {
  const people = () => spark.createDataFrame([[1, "ann", null], [2, "bob", 1]], "id INT, name STRING, manager INT");
  const joined = () => people().alias("e").join(people().alias("m"), col("e.manager").equalTo(col("m.id")));

  it("is refused by a write while two columns share a name, and written once a select names them apart", async () => {
    const refused = path.join(dir, "refused");
    await expect(joined().write.json(refused)).rejects.toThrow(/COLUMN_ALREADY_EXISTS.*`id`.*alias/);
    await expect(readdir(refused)).rejects.toThrow(/ENOENT/);
    const out = path.join(dir, "picked");
    await joined().select(col("e.name"), col("m.name").alias("boss")).write.json(out);
    const files = (await readdir(out)).filter((f) => f.endsWith(".json"));
    const lines = (await Promise.all(files.map((f) => readFile(path.join(out, f), "utf8")))).join("").trim().split("\n");
    expect(lines).toEqual(['{"name":"bob","boss":"ann"}']);
  });

  it("shows both sides' columns in explain() as name#n", async () => {
    const print = console.log;
    console.log = () => undefined;
    const text = await joined().explain().finally(() => (console.log = print));
    expect(text).toMatch(/manager#\d+ = id#\d+/);
    expect(text).not.toContain("\u0000");
  });
});
