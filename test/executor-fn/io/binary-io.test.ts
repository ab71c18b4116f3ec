/**
 * Binary columns through the text formats on local[1]: what the CSV and JSON writers and
 * toJSON() print, compared with what PySpark 4.0.1 wrote for the same rows (CSV: the bytes as
 * show() prints them, `[0A FF]`; JSON: base64, as Jackson's writeBinary, read back as bytes).
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SparkSession } from "sparkfn";

let dir: string;
let spark: SparkSession;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-binary-io-"));
  spark = await SparkSession.builder().master("local[1]").getOrCreate();
});
afterAll(async () => {
  await spark.stop();
  await rm(dir, { recursive: true, force: true });
});

const written = async (folder: string, ext: string) => {
  const names = (await readdir(folder)).filter((n) => n.endsWith(ext));
  return (await Promise.all(names.map((n) => readFile(path.join(folder, n), "utf8")))).join("");
};

describe("binary columns in CSV and JSON output", () => {
  // PySpark: createDataFrame([(1, bytearray(b'\x0a\xff')), (2, None), (3, bytearray(b''))], "i INT, b BINARY").coalesce(1)
  const rows = () => spark.createDataFrame([[1, Uint8Array.from([0x0a, 0xff])], [2, null], [3, new Uint8Array(0)]], "i INT, b BINARY").coalesce(1);

  it("writes CSV as Spark does: the bytes in hex between brackets", async () => {
    await rows().write.mode("overwrite").csv(path.join(dir, "csv"));
    expect(await written(path.join(dir, "csv"), ".csv")).toBe("1,[0A FF]\n2,\n3,[]\n");
  });

  it("writes JSON and toJSON() as Spark does: base64", async () => {
    await rows().write.mode("overwrite").json(path.join(dir, "json"));
    expect(await written(path.join(dir, "json"), ".json")).toBe('{"i":1,"b":"Cv8="}\n{"i":2}\n{"i":3,"b":""}\n');
    expect(await rows().toJSON().collect()).toEqual(['{"i":1,"b":"Cv8="}', '{"i":2}', '{"i":3,"b":""}']);
    // Read back with the schema declared, as Spark reads base64 into binary (PySpark: [b'\n\xff', None, b'']).
    const back = await spark.read.schema("i INT, b BINARY").json(path.join(dir, "json")).orderBy("i").collect();
    expect(back.map((r) => r.b)).toEqual([Uint8Array.from([0x0a, 0xff]), null, new Uint8Array(0)]);
  });
});
