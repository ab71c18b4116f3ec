/** The text reader: lines as rows (or whole files), from files written here from known lines. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FileReadCounters, FileStageSource } from "../../../executor-fn/io/readers.ts";
import type { FileSplit } from "../../../executor-fn/io/split-text.ts";
import { readTextSplit } from "../../../executor-fn/io/text-reader.ts";
import { BATCH_ROWS, rowsFromBatch, type Batch } from "../../../shared/batch/batch.ts";
import type { Row } from "../../../shared/plan/types.ts";
import { seededRandom } from "../../../shared/random.ts";
import { LocalObjectStore } from "../../../shared/storage/local-store.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-text-reader-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const store = new LocalObjectStore();
const counters = (): FileReadCounters => ({ rowGroups: 0, rowGroupsSkipped: 0, malformed: 0 });

function textSource(wholeText = false): FileStageSource {
  const fields = [...(wholeText ? [{ name: "path", type: "string" as const, nullable: false }] : []), { name: "value", type: "string" as const, nullable: true }];
  return {
    kind: "file",
    format: "text",
    options: { header: false, mode: "PERMISSIVE", corruptColumn: null, ...(wholeText ? { wholeText: true } : {}) },
    fileSchema: { fields },
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

async function batchesOf(source: FileStageSource, file: FileSplit, chunkBytes?: number): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of readTextSplit(source, file, store, counters(), { chunkBytes })) out.push(b);
  return out;
}
const rowsOf = async (source: FileStageSource, file: FileSplit, chunkBytes?: number) => (await batchesOf(source, file, chunkBytes)).flatMap(rowsFromBatch);

describe("text reader", () => {
  const random = seededRandom(6);
  const lines = Array.from({ length: 9000 }, (_, i) => (i % 13 === 0 ? "" : `${i}:` + "aé😀, ".repeat(Math.floor(random() * 3))));
  // Line breaks: \n, \r\n, and a lone \r (Hadoop's three; not before an empty line, which would make it \r\n);
  // no break after the last line.
  const text = lines.map((l, i) => l + (i % 5 === 0 ? "\r\n" : i % 7 === 0 && lines[i + 1] !== "" ? "\r" : "\n")).join("").replace(/\n$/, "");

  it("reads lines (empty ones too) across chunk boundaries, in batches of BATCH_ROWS", async () => {
    const file = await put("lines.txt", text);
    for (const chunk of [3, 97, undefined]) {
      const batches = await batchesOf(textSource(), file, chunk);
      expect(batches.flatMap(rowsFromBatch).map((r) => r[0]), `chunk ${chunk}`).toEqual(lines);
      expect(batches.slice(0, -1).every((b) => b.count === BATCH_ROWS)).toBe(true);
      expect(batches.every((b) => b.columns[0]!.kind === "str")).toBe(true);
    }
  });

  it("gives every line to exactly one split", async () => {
    const lf = lines.slice(0, 600).map((l, i) => l + (i % 5 === 0 ? "\r\n" : "\n")).join("");
    const file = await put("split.txt", lf);
    for (const splitBytes of [11, 500, 4000]) {
      const seen: Row[] = [];
      for (let start = 0; start < file.size; start += splitBytes) seen.push(...(await rowsOf(textSource(), { ...file, start, length: Math.min(splitBytes, file.size - start) }, 128)));
      expect(seen.map((r) => r[0]), `split ${splitBytes}`).toEqual(lines.slice(0, 600));
    }
  });

  it("reads gzip, and whole files as [path, text] (streamed decoding across chunks)", async () => {
    const gz = await put("lines.txt.gz", gzipSync(text));
    expect((await rowsOf(textSource(), gz, 50)).map((r) => r[0])).toEqual(lines);
    const whole = await put("whole.txt", "\uFEFFfirst é😀\r\nsecond\n");
    expect(await rowsOf(textSource(true), whole, 3)).toEqual([[whole.uri, "first é😀\r\nsecond\n"]]);
    const wholeGz = await put("whole.txt.gz", gzipSync("é😀".repeat(1000)));
    expect(await rowsOf(textSource(true), wholeGz, 64)).toEqual([[wholeGz.uri, "é😀".repeat(1000)]]);
    // Only the split that starts the file reads it.
    expect(await rowsOf(textSource(true), { ...whole, start: 5, length: 5 })).toEqual([]);
  });

  it("fails with BadInput naming the file on invalid UTF-8", async () => {
    const file = await put("bad.txt", Buffer.from([0x61, 0x0a, 0xff, 0x0a]));
    await expect(rowsOf(textSource(), file)).rejects.toThrow(`${file.uri}: not valid UTF-8 text`);
    await expect(rowsOf(textSource(true), file)).rejects.toThrow(`${file.uri}: not valid UTF-8 text`);
  });
});
