/**
 * The JSON lines reader against files written here with JSON.stringify from known values;
 * expectations come from those values.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJsonSplit } from "../../../executor-fn/io/json-reader.ts";
import type { FileReadCounters, FileStageSource } from "../../../executor-fn/io/readers.ts";
import type { FileSplit } from "../../../executor-fn/io/split-text.ts";
import { TaskError } from "../../../executor-fn/task-error.ts";
import { rowsFromBatch, type Batch } from "../../../shared/batch/batch.ts";
import type { ParseMode } from "../../../shared/plan/file-source.ts";
import type { DataType, Row } from "../../../shared/plan/types.ts";
import { seededRandom } from "../../../shared/random.ts";
import { LocalObjectStore } from "../../../shared/storage/local-store.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-json-reader-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const store = new LocalObjectStore();
const newCounters = (): FileReadCounters => ({ rowGroups: 0, rowGroupsSkipped: 0, malformed: 0 });

function jsonSource(fields: [string, DataType][], mode: ParseMode = "PERMISSIVE", corruptColumn: string | null = null): FileStageSource {
  return {
    kind: "file",
    format: "json",
    options: { header: false, mode, corruptColumn },
    fileSchema: { fields: fields.map(([name, type]) => ({ name, type, nullable: true })) },
    columns: null,
    filters: [],
    partitionColumns: [],
  };
}

async function put(name: string, body: string | Uint8Array): Promise<FileSplit> {
  const uri = path.join(dir, name);
  await writeFile(uri, body);
  return { uri, size: typeof body === "string" ? Buffer.byteLength(body) : body.byteLength };
}

async function rowsOf(source: FileStageSource, file: FileSplit, chunkBytes?: number, counters = newCounters()): Promise<Row[]> {
  const out: Batch[] = [];
  for await (const b of readJsonSplit(source, file, store, counters, { chunkBytes })) out.push(b);
  return out.flatMap(rowsFromBatch);
}

describe("JSON lines reader", () => {
  const random = seededRandom(4);
  const records = Array.from({ length: 500 }, (_, i) => ({
    id: i,
    name: random() < 0.1 ? null : `n${i}-${"é😀".repeat(Math.floor(random() * 4))}`,
    score: random() < 0.1 ? null : Math.round(random() * 1e5) / 100,
  }));
  const fields: [string, DataType][] = [["id", "long"], ["name", "string"], ["score", "double"]];
  const expected = records.map((r) => [r.id, r.name, r.score]);

  it("reads lines that straddle chunks and splits, each record exactly once (CRLF, blank lines, a BOM)", async () => {
    const text = "\uFEFF" + records.map((r, i) => JSON.stringify(r) + (i % 4 === 0 ? "\r\n" : i % 9 === 0 ? "\n\n" : "\n")).join("");
    const file = await put("lines.json", text);
    for (const chunk of [3, 50, undefined]) expect(await rowsOf(jsonSource(fields), file, chunk), `chunk ${chunk}`).toEqual(expected);
    for (const splitBytes of [17, 400, 5000]) {
      const seen: Row[] = [];
      for (let start = 0; start < file.size; start += splitBytes) seen.push(...(await rowsOf(jsonSource(fields), { ...file, start, length: Math.min(splitBytes, file.size - start) }, 64)));
      expect(seen, `split ${splitBytes}`).toEqual(expected);
    }
  });

  it("reads a gzipped file", async () => {
    const file = await put("lines.json.gz", gzipSync(records.map((r) => JSON.stringify(r)).join("\n")));
    expect(await rowsOf(jsonSource(fields), file, 100)).toEqual(expected);
  });

  it("settles malformed records per mode; a long beyond ±(2^53 − 1) is malformed", async () => {
    const lines = ['{"id": 1, "v": 2.5}', "{not json", '{"id": "x", "v": 1}', "[1, 2]", '{"id": 9007199254740993, "v": 1}', '{"id": 4, "v": 7}'];
    const file = await put("bad.json", lines.join("\n") + "\n");
    const schema: [string, DataType][] = [["id", "long"], ["v", "double"], ["bad", "string"]];
    const counters = newCounters();
    expect(await rowsOf(jsonSource(schema, "PERMISSIVE", "bad"), file, 7, counters)).toEqual([
      [1, 2.5, null],
      [null, null, "{not json"],
      [null, 1, lines[2]],
      [null, null, "[1, 2]"],
      [null, 1, lines[4]],
      [4, 7, null],
    ]);
    expect(counters.malformed).toBe(4);
    expect(await rowsOf(jsonSource(schema.slice(0, 2), "DROPMALFORMED"), file)).toEqual([[1, 2.5], [4, 7]]);
    const failFast = async (f: FileSplit) => {
      try {
        await rowsOf(jsonSource(schema.slice(0, 2), "FAILFAST"), f);
      } catch (error) {
        expect(error).toBeInstanceOf(TaskError);
        expect((error as TaskError).type).toBe("BadInput");
        return (error as Error).message;
      }
      throw new Error("expected a failure");
    };
    expect(await failFast(file)).toContain(`${file.uri}:2: malformed record (not JSON: `);
    const big = await put("big.json", `{"id": 1}\n${lines[4]}\n`);
    expect(await failFast(big)).toContain(`${big.uri}:2: malformed record (9007199254740992 exceeds the exact long range`);
    // A split that does not start the file names the byte offset of the record.
    const offset = lines[0]!.length + 1;
    expect(await failFast({ ...file, start: offset - 3, length: 10 })).toContain(`${file.uri} (the record starting at byte ${offset}): malformed record (not JSON`);
  });

  it("fails with BadInput naming the file on invalid UTF-8", async () => {
    const file = await put("latin1.json", Buffer.concat([Buffer.from('{"name": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]));
    await expect(rowsOf(jsonSource([["name", "string"]]), file)).rejects.toThrow(`${file.uri}: not valid UTF-8 text`);
  });
});
