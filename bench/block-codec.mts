/**
 * Measures the shuffle block format on transaction-like rows, per compression option:
 * bytes per row against the same rows as CSV text, and encode/decode speed in MB of CSV
 * per second, through both entry points: vectors (encodeVectorsBlock from the columns
 * through each block's index list, decodeBlockToBatch) and rows (encodeBlock, decodeBlock:
 * adapters that box values into row arrays). Blocks hold consecutive rows; bench/
 * shuffle-encoding.mts measures hash-partitioned ones.
 * Run: npx tsx bench/block-codec.mts [rows] [block rows, comma separated]
 */
import * as zlib from "node:zlib";
import { decodeBlock, decodeBlockToBatch, encodeBlock, encodeVectorsBlock, type EncodeOptions } from "../executor-fn/io/block-codec.ts";
import type { Row } from "../shared/plan/types.ts";
import type { Vector } from "../shared/batch/vector.ts";
import { seededRandom } from "../shared/random.ts";

const CATEGORIES = ["electronics", "groceries", "clothing", "home", "toys", "sports", "books", "beauty", "automotive", "garden", "health", "music"];

function transactions(count: number): Row[] {
  const random = seededRandom(42);
  const start = Date.UTC(2024, 0, 1);
  const rows: Row[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const ts = new Date(start + Math.floor(random() * 366 * 86_400) * 1000).toISOString().slice(0, 19).replace("T", " ");
    rows[i] = [i, CATEGORIES[Math.floor(random() * CATEGORIES.length)]!, Math.round(random() * 100_000) / 100, ts, `cust-${Math.floor(random() * 50_001)}`];
  }
  return rows;
}

const csvBytes = (rows: readonly Row[]) => Buffer.byteLength(rows.map((r) => r.join(",")).join("\n") + "\n");

/** The rows' columns as readers make them: numbers f64, category a dictionary, text as flat strings. */
function vectorsOf(rows: readonly Row[]): Vector[] {
  const n = rows.length;
  const numbers = (c: number) => Float64Array.from(rows, (r) => r[c] as number);
  const strings = (c: number) => rows.map((r) => Buffer.from(r[c] as string).toString());
  const ids = new Map(CATEGORIES.map((s, i) => [s, i]));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = ids.get(rows[i]![1] as string)!;
  return [
    { kind: "f64", values: numbers(0), nulls: null },
    { kind: "dict", codes, dict: CATEGORIES, nulls: null },
    { kind: "f64", values: numbers(2), nulls: null },
    { kind: "str", values: strings(3), nulls: null },
    { kind: "str", values: strings(4), nulls: null },
  ];
}

/** One block in both forms: its rows, and its rows' indexes into the vectors. */
interface Block {
  readonly rows: readonly Row[];
  readonly indexes: Int32Array;
}

interface Option {
  readonly name: string;
  readonly encode: (block: Block) => Uint8Array;
  /** Decodes a block; returns its row count. */
  readonly decode: (bytes: Uint8Array) => number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const jsonLines: Option = {
  name: "JSON lines (old)",
  encode: ({ rows }) => encoder.encode(rows.map((r) => JSON.stringify(r)).join("\n") + "\n"),
  decode: (bytes) => decoder.decode(bytes).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Row).length,
};
let vectors: Vector[] = [];
const viaVectors = (name: string, options: EncodeOptions): Option => ({
  name: `${name}, vectors`,
  encode: ({ indexes }) => encodeVectorsBlock(vectors, indexes, indexes.length, options),
  decode: (bytes) => decodeBlockToBatch(bytes, "bench").length,
});
const viaRows = (name: string, options: EncodeOptions): Option => ({
  name: `${name}, rows`,
  encode: ({ rows }) => encodeBlock(rows, options),
  decode: (bytes) => decodeBlock(bytes, "bench").length,
});
const CODECS: readonly [string, EncodeOptions][] = [
  ["none", { codec: "none" }],
  ["deflate 1", { codec: "deflate", level: 1 }],
  ["deflate 6", { codec: "deflate", level: 6 }],
  ["brotli 1", { codec: "brotli", level: 1 }],
  ["brotli 4", { codec: "brotli", level: 4 }],
];
const OPTIONS: readonly Option[] = [jsonLines, ...CODECS.flatMap(([name, options]) => [viaVectors(name, options), viaRows(name, options)])];

/** The best of `runs` timings of f, in ms. */
function best(runs: number, f: () => void): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

const RUNS = 5;
const total = Number(process.argv[2] ?? 1_000_000);
const blockSizes = (process.argv[3] ?? "10000,50000,100000").split(",").map(Number);
const rows = transactions(total);
vectors = vectorsOf(rows);
const csv = csvBytes(rows);
const mb = csv / 1e6;
console.log(`${total} rows, CSV ${csv} bytes = ${(csv / total).toFixed(1)} bytes/row\n`);

for (const size of blockSizes) {
  const blocks: Block[] = [];
  for (let i = 0; i < total; i += size) {
    const indexes = new Int32Array(Math.min(size, total - i));
    for (let k = 0; k < indexes.length; k++) indexes[k] = i + k;
    blocks.push({ rows: rows.slice(i, i + size), indexes });
  }
  console.log(`blocks of ${size} rows`);
  console.log("codec, entry point      bytes/row  x CSV  encode MB/s  decode MB/s  decode Mrows/s");
  for (const option of OPTIONS) {
    let encoded: Uint8Array[] = [];
    const enc = best(RUNS, () => (encoded = blocks.map((b) => option.encode(b))));
    const dec = best(RUNS, () => {
      for (const e of encoded) option.decode(e);
    });
    const bytes = encoded.reduce((a, e) => a + e.byteLength, 0);
    console.log(
      [
        option.name.padEnd(22),
        (bytes / total).toFixed(1).padStart(9),
        (bytes / csv).toFixed(2).padStart(6),
        (mb / (enc / 1000)).toFixed(0).padStart(12),
        (mb / (dec / 1000)).toFixed(0).padStart(12),
        (total / (dec / 1000) / 1e6).toFixed(2).padStart(15),
      ].join(" "),
    );
  }
  // The compression step alone, on the uncompressed columnar payloads (header stripped).
  const payloads = blocks.map((b) => encodeVectorsBlock(vectors, b.indexes, b.indexes.length, { codec: "none" }).subarray(28));
  const raw = payloads.reduce((a, p) => a + p.byteLength, 0);
  console.log(`\ncompression step alone (${(raw / total).toFixed(1)} payload bytes/row)`);
  console.log("codec              compress MB/s  decompress MB/s  (MB of CSV/s; payload MB/s in brackets)");
  const steps: readonly [string, (p: Uint8Array) => Uint8Array, (c: Uint8Array, n: number) => Uint8Array][] = [
    // memLevel 9, as the codec deflates.
    ["deflate 1", (p) => zlib.deflateRawSync(p, { level: 1, memLevel: 9 }), (c, n) => zlib.inflateRawSync(c, { maxOutputLength: n })],
    ["deflate 6", (p) => zlib.deflateRawSync(p, { level: 6, memLevel: 9 }), (c, n) => zlib.inflateRawSync(c, { maxOutputLength: n })],
    ["brotli 1", (p) => brotli(p, 1), (c, n) => zlib.brotliDecompressSync(c, { maxOutputLength: n })],
    ["brotli 4", (p) => brotli(p, 4), (c, n) => zlib.brotliDecompressSync(c, { maxOutputLength: n })],
  ];
  for (const [name, pack, unpack] of steps) {
    let packed: Uint8Array[] = [];
    const c = best(RUNS, () => (packed = payloads.map(pack)));
    const d = best(RUNS, () => packed.forEach((p, i) => unpack(p, payloads[i]!.byteLength)));
    const rate = (ms: number) => `${(mb / (ms / 1000)).toFixed(0)} (${(raw / 1e6 / (ms / 1000)).toFixed(0)})`;
    console.log([name.padEnd(18), rate(c).padStart(13), rate(d).padStart(16)].join(" "));
  }
  console.log();
}

function brotli(p: Uint8Array, quality: number): Uint8Array {
  return zlib.brotliCompressSync(p, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: p.byteLength } });
}
