import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeUtf8, SplitLines, type FileSplit } from "../../../executor-fn/io/split-text.ts";
import type { ObjectStore } from "../../../shared/storage/object-store.ts";
import { seededRandom } from "../../../shared/random.ts";
import { LocalObjectStore } from "../../../shared/storage/local-store.ts";

/** The whole text of a split's lines, from the blocks SplitLines hands out (readers stream them instead). */
async function readSplitText(store: ObjectStore, file: FileSplit): Promise<{ text: string; firstLine: number | undefined; offset: number }> {
  const lines = new SplitLines(store, file);
  const parts: Uint8Array[] = [];
  let offset: number | undefined;
  for (let block = await lines.next(); block !== null; block = await lines.next()) {
    offset ??= block.offset;
    parts.push(block.appendedLineFeed ? block.bytes.subarray(0, block.bytes.byteLength - 1) : block.bytes);
  }
  const text = decodeUtf8(Buffer.concat(parts), file.uri, true);
  return { text, firstLine: lines.startsFile ? 1 : undefined, offset: offset ?? 0 };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-split-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("splits of a line-based file", () => {
  it("give every line to exactly one split, whatever the split size (lines straddle every edge)", async () => {
    const random = seededRandom(11);
    // Lines of 0 to 300 characters, some multi-byte (é, 😀), CRLF and LF, no final newline.
    const lines = Array.from({ length: 500 }, (_, i) => `${i}:` + "é😀x".repeat(Math.floor(random() * 100)));
    const text = lines.map((l, i) => l + (i % 7 === 0 ? "\r\n" : "\n")).join("").replace(/\n$/, "");
    const file = path.join(dir, "lines.txt");
    await writeFile(file, text);
    const size = Buffer.byteLength(text);
    const store = new LocalObjectStore();
    for (const splitBytes of [37, 101, 1000, 4096, 65_536, size]) {
      const seen: string[] = [];
      for (let start = 0; start < size; start += splitBytes) {
        const split = await readSplitText(store, { uri: file, size, start, length: Math.min(splitBytes, size - start) });
        if (split.text !== "") seen.push(...split.text.replace(/\r?\n$/, "").split(/\r?\n/));
      }
      expect(seen.length, `split size ${splitBytes}`).toBe(lines.length);
      expect(seen).toEqual(lines);
    }
  });

  it("reads a gzipped file whole, and a whole file with its line numbers known", async () => {
    const { gzipSync } = await import("node:zlib");
    const file = path.join(dir, "a.txt.gz");
    await writeFile(file, gzipSync("one\ntwo\n"));
    const split = await readSplitText(new LocalObjectStore(), { uri: file, size: 30 });
    expect(split).toEqual({ text: "one\ntwo\n", firstLine: 1, offset: 0 });
  });
});
