/** The local master reads and writes S3 too (each URI goes to its own store), against the emulator's S3. */
import { randomUUID } from "node:crypto";
import { afterAll, expect, it } from "vitest";
import { discoverDeployment, SparkSession, sum } from "sparkfn";
import { S3ObjectStore } from "../../shared/storage/s3-store.ts";

const store = new S3ObjectStore();
let base: string | undefined;
afterAll(async () => {
  if (base) await store.delete((await store.list(base)).map((o) => o.uri));
});

it("runs a local[2] job over s3:// input and writes its output to s3://", async () => {
  const { bucket } = await discoverDeployment();
  base = `s3://${bucket}/data/it-local-${randomUUID().slice(0, 8)}/`;
  await store.put(`${base}in/a.csv`, "k,v\na,1\nb,2\na,3\n");
  const spark = await SparkSession.builder().master("local[2]").getOrCreate();
  try {
    const df = spark.read.option("header", "true").option("inferSchema", "true").csv(`${base}in/`);
    await df.groupBy("k").agg(sum("v").alias("s")).write.mode("overwrite").json(`${base}out/`);
    const back = await spark.read.json(`${base}out/`).orderBy("k").collect();
    expect(back).toEqual([{ k: "a", s: 4 }, { k: "b", s: 2 }]);
  } finally {
    await spark.stop();
  }
});
