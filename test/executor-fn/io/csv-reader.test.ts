/**
 * The CSV reader against files written here by an independent RFC 4180 encoder; every
 * expected value comes from the JavaScript values the file was generated from (or from
 * Number() for number text), never from the engine's own parsers.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCsvSplit } from "../../../executor-fn/io/csv-reader.ts";
import { readFileSplit, type FileReadCounters, type FileStageSource } from "../../../executor-fn/io/readers.ts";
import type { FileSplit } from "../../../executor-fn/io/split-text.ts";
import { TaskError } from "../../../executor-fn/task-error.ts";
import { rowsFromBatch, type Batch } from "../../../shared/batch/batch.ts";
import type { VectorKind } from "../../../shared/batch/vector.ts";
import type { ParseMode } from "../../../shared/plan/file-source.ts";
import type { DataType, Row, Value } from "../../../shared/plan/types.ts";
import { seededRandom } from "../../../shared/random.ts";
import { LocalObjectStore } from "../../../shared/storage/local-store.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-csv-reader-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const store = new LocalObjectStore();

/** RFC 4180, written independently of the reader: quote when needed, double the quotes. */
const encodeField = (v: unknown): string => {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) || s === "" ? `"${s.replaceAll('"', '""')}"` : s;
};
const encodeCsv = (rows: readonly (readonly unknown[])[], eol = "\n") => rows.map((r) => r.map(encodeField).join(",")).join(eol) + eol;

interface Options {
  header?: boolean;
  mode?: ParseMode;
  corruptColumn?: string | null;
  columns?: string[] | null;
  partitionColumns?: string[];
}

function csvSource(fields: [string, DataType][], o: Options = {}): FileStageSource {
  return {
    kind: "file",
    format: "csv",
    options: { header: o.header ?? false, mode: o.mode ?? "PERMISSIVE", corruptColumn: o.corruptColumn ?? null },
    fileSchema: { fields: fields.map(([name, type]) => ({ name, type, nullable: true })) },
    columns: o.columns ?? null,
    filters: [],
    partitionColumns: o.partitionColumns ?? [],
  };
}

const newCounters = (): FileReadCounters => ({ rowGroups: 0, rowGroupsSkipped: 0, malformed: 0 });

async function put(name: string, body: string | Uint8Array): Promise<FileSplit> {
  const uri = path.join(dir, name);
  await writeFile(uri, body);
  return { uri, size: typeof body === "string" ? Buffer.byteLength(body) : body.byteLength };
}

async function batchesOf(source: FileStageSource, file: FileSplit, chunkBytes?: number, counters = newCounters()): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of readCsvSplit(source, file, store, counters, { chunkBytes })) out.push(b);
  return out;
}

async function rowsOf(source: FileStageSource, file: FileSplit, chunkBytes?: number, counters = newCounters()): Promise<Row[]> {
  return (await batchesOf(source, file, chunkBytes, counters)).flatMap(rowsFromBatch);
}

async function failure(promise: Promise<unknown>): Promise<TaskError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TaskError);
    return error as TaskError;
  }
  throw new Error("expected a TaskError");
}

const kinds = (batches: Batch[], c: number) => new Set(batches.map((b) => b.columns[c]!.kind));

describe("CSV reader: bytes in chunks", () => {
  const random = seededRandom(3);
  const alphabet = ["a", "b", ",", '"', "\n", "\r\n", " ", "é", "😀", "1", "ß"];
  const text = () => Array.from({ length: 1 + Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
  const rows = Array.from({ length: 400 }, (_, i) => [i, random() < 0.1 ? null : text(), random() < 0.1 ? null : Math.round(random() * 1e6) / 100, random() < 0.5 ? "low" : "high-é"]);

  it("reads records that straddle chunks, inside quoted fields and multi-byte characters, for any chunk size", async () => {
    const file = await put("chunks.csv", encodeCsv([["id", "note", "amount", "tag"], ...rows], "\r\n"));
    const source = csvSource([["id", "int"], ["note", "string"], ["amount", "double"], ["tag", "string"]], { header: true });
    for (const chunk of [1, 2, 3, 7, 16, 61, 256, 4096, undefined]) {
      expect(await rowsOf(source, file, chunk), `chunk ${chunk}`).toEqual(rows);
    }
  });

  it("reads a gzipped file streamed through zlib (several members too)", async () => {
    const text = encodeCsv([["id", "note", "amount", "tag"], ...rows]);
    const half = text.indexOf("\n", text.length >> 1) + 1;
    const file = await put("chunks.csv.gz", Buffer.concat([gzipSync(text.slice(0, half)), gzipSync(text.slice(half))]));
    const source = csvSource([["id", "int"], ["note", "string"], ["amount", "double"], ["tag", "string"]], { header: true });
    for (const chunk of [64, 1000, undefined]) expect(await rowsOf(source, file, chunk)).toEqual(rows);
    // Byte ranges do not apply to a gzipped file: it is read whole.
    expect(await rowsOf(source, { ...file, start: 0, length: 10 }, 100)).toEqual(rows);
    const broken = await put("broken.csv.gz", gzipSync(text).subarray(0, 200));
    expect((await failure(rowsOf(source, broken))).type).toBe("BadInput");
  });

  it("gives every record to exactly one split, whatever the split and chunk sizes (header read from the file's start)", async () => {
    const random = seededRandom(9);
    const data = Array.from({ length: 300 }, (_, i) => [i, `n${i}é${"x".repeat(Math.floor(random() * 30))}`, i % 11 === 0 ? null : i / 8]);
    // The file's column order differs from the scan's: the header maps them.
    const lines = ["name,amount,id", ...data.map(([id, name, amount]) => [name, amount, id].map(encodeField).join(","))];
    const text = lines.map((l, i) => l + (i % 5 === 0 ? "\r\n" : "\n")).join("").replace(/\n$/, "");
    const file = await put("splits.csv", text);
    const source = csvSource([["id", "int"], ["name", "string"], ["amount", "double"]], { header: true, columns: ["amount", "id"] });
    const expected = data.map(([id, , amount]) => [amount, id]);
    for (const [splitBytes, chunks] of [[7, [undefined]], [29, [5, undefined]], [100, [5, undefined]], [1000, [5, 333, undefined]], [4096, [5, undefined]], [file.size, [5, 333, undefined]]] as const) {
      for (const chunk of chunks) {
        const seen: Row[] = [];
        for (let start = 0; start < file.size; start += splitBytes) {
          seen.push(...(await rowsOf(source, { ...file, start, length: Math.min(splitBytes, file.size - start) }, chunk)));
        }
        expect(seen, `split ${splitBytes}, chunk ${chunk}`).toEqual(expected);
      }
    }
  });

  it("skips a BOM and blank lines, reads LF, CRLF and a last line without a line break", async () => {
    const file = await put("bom.csv", "\uFEFFk,v\r\n\r\n1,a\n\n2,\"b\r\nc\"\r\n3,d");
    const counters = newCounters();
    expect(await rowsOf(csvSource([["k", "int"], ["v", "string"]], { header: true }), file, 3, counters)).toEqual([[1, "a"], [2, "b\r\nc"], [3, "d"]]);
    expect(counters.malformed).toBe(0);
  });

  it("reads an empty file and a file with only a header as no rows", async () => {
    const source = csvSource([["a", "int"], ["b", "string"]], { header: true });
    expect(await batchesOf(source, await put("empty.csv", ""))).toEqual([]);
    expect(await batchesOf(csvSource([["a", "int"]]), await put("empty2.csv", ""))).toEqual([]);
    expect(await rowsOf(source, await put("header.csv", "a,b\n"))).toEqual([]);
    expect(await rowsOf(source, await put("header2.csv", "a,b"))).toEqual([]);
    const later = await put("header3.csv", "a,b\n");
    expect(await rowsOf(source, { ...later, start: 2, length: 2 })).toEqual([]);
  });

  it("names a missing column and a missing file", async () => {
    const file = await put("cols.csv", "a,b\n1,2\n");
    const error = await failure(rowsOf(csvSource([["a", "int"], ["c", "int"]], { header: true }), file));
    expect(error.message).toMatch(/column "c" not found in the header; the header has: a, b/);
    expect((await failure(rowsOf(csvSource([["a", "int"]]), { uri: path.join(dir, "nope.csv"), size: 10 }))).type).toBe("InputNotFound");
  });

  it("counts records when no column is read (count(*)), malformed ones included", async () => {
    const file = await put("count.csv", "a,b\n1,2\n3\n\n5,6\n");
    const counters = newCounters();
    const batches = await batchesOf(csvSource([["a", "int"], ["b", "int"]], { header: true, columns: [] }), file, 4, counters);
    expect(batches.reduce((n, b) => n + b.count, 0)).toBe(3);
    expect(batches.every((b) => b.columns.length === 0)).toBe(true);
    expect(counters.malformed).toBe(1);
  });

  it("makes batches of BATCH_ROWS rows across chunk boundaries", async () => {
    const data = Array.from({ length: 10_000 }, (_, i) => [i, `v${i % 7}`]);
    const file = await put("batches.csv", encodeCsv(data));
    const batches = await batchesOf(csvSource([["i", "long"], ["s", "string"]]), file, 1000);
    expect(batches.map((b) => b.count)).toEqual([4096, 4096, 1808]);
    expect(batches.flatMap(rowsFromBatch)).toEqual(data);
  });
});

describe("CSV reader: values", () => {
  it("parses numbers exactly as Number() does (random decimal text, and the text Number() alone reads)", async () => {
    const random = seededRandom(5);
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join("");
    const texts: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const int = digits(Math.floor(random() * 18));
      const frac = random() < 0.7 ? "." + digits(Math.floor(random() * 22)) : "";
      const sign = ["", "-", "+"][Math.floor(random() * 3)]!;
      const t = sign + int + frac;
      texts.push(/\d/.test(t) ? t : "0");
    }
    texts.push("-0", "0.1", "0.3", "9007199254740991", "9007199254740993", "1e3", "-2.5E-3", " 12 ", "Infinity", "-Infinity", "0x1F", ".5", "5.", "00012.50", "123456789012345678901234567890", "0.1234567890123456789012345");
    const file = await put("numbers.csv", texts.map((t) => `${t}\n`).join(""));
    const rows = await rowsOf(csvSource([["x", "double"]]), file, 4096);
    expect(rows.length).toBe(texts.length);
    rows.forEach(([got], i) => {
      const want = Number(texts[i]!);
      if (!Object.is(got, want)) throw new Error(`"${texts[i]}": got ${String(got)}, Number() gives ${want}`);
    });
  });

  it("reads int columns as i32 within the int range, malformed beyond it", async () => {
    const file = await put("ints.csv", ["2147483647", "-2147483648", "2147483648", "-2147483649", "12.9", "-0", '""'].join("\n") + "\n");
    const counters = newCounters();
    const batches = await batchesOf(csvSource([["x", "int"]]), file, undefined, counters);
    expect(kinds(batches, 0)).toEqual(new Set<VectorKind>(["i32"]));
    expect(batches.flatMap(rowsFromBatch)).toEqual([[2147483647], [-2147483648], [null], [null], [12], [0], [null]]);
    expect(counters.malformed).toBe(2);
    const error = await failure(rowsOf(csvSource([["x", "int"]], { mode: "FAILFAST" }), file));
    expect(error.message).toContain(`${file.uri}:3: malformed record ("2147483648" is not a valid int for column "x")`);
  });

  it("refuses a long beyond ±(2^53 − 1), naming the value (no silent rounding)", async () => {
    const file = await put("longs.csv", ["9007199254740991", "-9007199254740991", "9007199254740992", "-12345678901234567890", "1e300", "42"].join("\n") + "\n");
    const counters = newCounters();
    const batches = await batchesOf(csvSource([["x", "long"]]), file, undefined, counters);
    expect(kinds(batches, 0)).toEqual(new Set<VectorKind>(["f64"]));
    expect(batches.flatMap(rowsFromBatch)).toEqual([[9007199254740991], [-9007199254740991], [null], [null], [null], [42]]);
    expect(counters.malformed).toBe(3);
    const error = await failure(rowsOf(csvSource([["x", "long"]], { mode: "FAILFAST" }), file));
    expect(error.message).toContain(`${file.uri}:3: malformed record ("9007199254740992" exceeds the exact long range`);
  });

  it("keeps low-cardinality strings as a dictionary and high-cardinality ones as plain strings, with the same values", async () => {
    const random = seededRandom(8);
    const words = ["Books", "Toys", "Café", "Home, Garden", 'say "hi"', "😀"];
    // Column w: few values; u: unique values; m: few values for 6000 rows, then unique ones.
    const data = Array.from({ length: 12_000 }, (_, i) => [
      random() < 0.05 ? null : words[Math.floor(random() * words.length)]!,
      `u${i}${i % 3 === 0 ? "é" : ""}`,
      i < 6000 ? words[i % words.length]! : `m${i}`,
    ]);
    const file = await put("strings.csv", encodeCsv(data));
    for (const chunk of [997, undefined]) {
      const batches = await batchesOf(csvSource([["w", "string"], ["u", "string"], ["m", "string"]]), file, chunk);
      expect(batches.flatMap(rowsFromBatch)).toEqual(data);
      expect(kinds(batches, 0)).toEqual(new Set<VectorKind>(["dict"]));
      expect(kinds(batches, 1)).toEqual(new Set<VectorKind>(["str"]));
      expect(kinds(batches, 2)).toEqual(new Set<VectorKind>(["dict", "str"]));
      for (const b of batches) {
        const w = b.columns[0]!;
        if (w.kind === "dict") expect(new Set(w.dict).size).toBe(w.dict.length); // each value once per batch
      }
    }
  });

  it("converts booleans and dates as the CASTS rules do", async () => {
    const file = await put("bools.csv", "true,2024-02-29\nF,2024-2-3\nyes,2023-02-29\nmaybe,\n");
    const counters = newCounters();
    expect(await rowsOf(csvSource([["b", "boolean"], ["d", "date"]]), file, undefined, counters)).toEqual([
      [true, "2024-02-29"],
      [false, "2024-02-03"],
      [true, null],
      [null, null],
    ]);
    expect(counters.malformed).toBe(2);
  });

  it("fails with BadInput naming the file on invalid UTF-8 in a string column", async () => {
    const file = await put("latin1.csv", Buffer.concat([Buffer.from("a,b\n1,"), Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from("\n")]));
    const error = await failure(rowsOf(csvSource([["a", "int"], ["b", "string"]], { header: true }), file));
    expect(error.type).toBe("BadInput");
    expect(error.message).toContain(`${file.uri}:2, column "b": not valid UTF-8 text`);
  });

  it("appends partition columns as constant vectors in the schema's order", async () => {
    const file = await put("part.csv", "1,x\n2,y\n");
    const source = csvSource([["a", "int"], ["year", "int"], ["b", "string"], ["region", "string"]], { partitionColumns: ["year", "region"], columns: ["region", "a", "year", "b"] });
    const batches: Batch[] = [];
    for await (const b of readFileSplit(source, { ...file, partitionValues: [2024, "north"] }, store, newCounters())) batches.push(b);
    expect(batches.flatMap(rowsFromBatch)).toEqual([["north", 1, 2024, "x"], ["north", 2, 2024, "y"]]);
    // Dropped records stay dropped (the batch's selection is kept).
    const bad = await put("part-bad.csv", "1,x\noops,y\n3,z\n");
    const dropping = { ...source, options: { ...source.options, mode: "DROPMALFORMED" as const } };
    const kept: Batch[] = [];
    for await (const b of readFileSplit(dropping, { ...bad, partitionValues: [null, "south"] }, store, newCounters())) kept.push(b);
    expect(kept.flatMap(rowsFromBatch)).toEqual([["south", 1, null, "x"], ["south", 3, null, "z"]]);
  });
});

describe("CSV reader: parse modes", () => {
  // A quote never closed swallows the file up to the next quote: here none follows it.
  const lines = ["id,amount,note", "1,10.5,ok", "2,oops,ok", "3", '4,"7.25"x,ok', "5,1,ok,extra", '8,4,"two', 'lines"', '6,2,"never closed', "7,3,fine", "9,5,last"];
  const text = lines.join("\n") + "\n";
  const fields: [string, DataType][] = [["id", "int"], ["amount", "double"], ["note", "string"], ["_corrupt", "string"]];

  it("PERMISSIVE keeps malformed records with nulls and their raw text in the corrupt-record column", async () => {
    const file = await put("modes.csv", text);
    for (const chunk of [4, undefined]) {
      const counters = newCounters();
      const rows = await rowsOf(csvSource(fields, { header: true, corruptColumn: "_corrupt" }), file, chunk, counters);
      expect(rows).toEqual([
        [1, 10.5, "ok", null],
        [2, null, "ok", "2,oops,ok"],
        [3, null, null, "3"],
        [4, null, "ok", '4,"7.25"x,ok'],
        [5, 1, "ok", "5,1,ok,extra"],
        [8, 4, "two\nlines", null],
        // An unterminated quote: one malformed record (its first line); the next records are read.
        [null, null, null, '6,2,"never closed'],
        [7, 3, "fine", null],
        [9, 5, "last", null],
      ]);
      expect(counters.malformed).toBe(5);
    }
    // Without a corrupt-record column, the same rows without it.
    const plain = await rowsOf(csvSource(fields.slice(0, 3), { header: true }), file);
    expect(plain.map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 8, null, 7, 9]);
  });

  it("DROPMALFORMED drops them", async () => {
    const file = await put("modes.csv", text);
    const counters = newCounters();
    const batches = await batchesOf(csvSource(fields.slice(0, 3), { header: true, mode: "DROPMALFORMED" }), file, 8, counters);
    expect(batches.flatMap(rowsFromBatch)).toEqual([[1, 10.5, "ok"], [8, 4, "two\nlines"], [7, 3, "fine"], [9, 5, "last"]]);
    expect(counters.malformed).toBe(5);
  });

  it("FAILFAST fails naming the file, the line and the reason", async () => {
    const file = await put("modes.csv", text);
    const source = (skip: number) => {
      const lines2 = [...lines.slice(0, 1), ...lines.slice(skip)];
      return put(`failfast-${skip}.csv`, lines2.join("\n") + "\n");
    };
    const failFast = csvSource(fields.slice(0, 3), { header: true, mode: "FAILFAST" });
    expect((await failure(rowsOf(failFast, file))).message).toMatch(
      new RegExp(`^${file.uri.replace(/[.\\/]/g, "\\$&")}:3: malformed record \\("oops" is not a valid double for column "amount"\\); the scan runs in FAILFAST mode`),
    );
    expect((await failure(rowsOf(failFast, await source(3)))).message).toContain(":2: malformed record (1 field(s) where the header has 3)");
    expect((await failure(rowsOf(failFast, await source(4)))).message).toContain(`:2: malformed record (unexpected character "x" after a closing quote)`);
    expect((await failure(rowsOf(failFast, await source(5)))).message).toContain(":2: malformed record (4 field(s) where the header has 3)");
    const unterminated = await failure(rowsOf(failFast, await source(8), 5));
    expect(unterminated.type).toBe("BadInput");
    expect(unterminated.message).toContain(":2: malformed record (unterminated quoted field)");
    // A split that does not start the file names the record's byte offset.
    const offset = Buffer.byteLength(lines.slice(0, 2).join("\n") + "\n");
    const later = await failure(rowsOf(failFast, { ...file, start: offset - 3, length: 10 }));
    expect(later.message).toContain(`${file.uri} (the record starting at byte ${offset}): malformed record ("oops"`);
  });

  it("counts fields against the schema when there is no header", async () => {
    const file = await put("noheader.csv", "1,2\n3\n");
    const counters = newCounters();
    expect(await rowsOf(csvSource([["a", "int"], ["b", "int"]]), file, undefined, counters)).toEqual([[1, 2], [3, null]]);
    expect(counters.malformed).toBe(1);
    const error = await failure(rowsOf(csvSource([["a", "int"], ["b", "int"]], { mode: "FAILFAST" }), file));
    expect(error.message).toContain(":2: malformed record (1 field(s) where the schema has 2)");
  });
});
