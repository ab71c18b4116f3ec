/**
 * Measures the shuffle block format on transaction-like rows, per compression option:
 * bytes per row against the same rows as CSV text, and encode/decode speed in MB of CSV
 * per second. Run: npx tsx bench/block-codec.mts [rows] [block rows, comma separated]
 */
import * as zlib from "node:zlib";
import { decodeBlock, encodeBlock, type EncodeOptions } from "../executor-fn/io/block-codec.ts";
import type { Row } from "../shared/plan/types.ts";
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

interface Option {
  readonly name: string;
  readonly encode: (rows: readonly Row[]) => Uint8Array;
  readonly decode: (bytes: Uint8Array) => Row[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const jsonLines: Option = {
  name: "JSON lines (old)",
  encode: (rows) => encoder.encode(rows.map((r) => JSON.stringify(r)).join("\n") + "\n"),
  decode: (bytes) => decoder.decode(bytes).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Row),
};
const block = (name: string, options: EncodeOptions): Option => ({
  name,
  encode: (rows) => encodeBlock(rows, options),
  decode: (bytes) => decodeBlock(bytes, "bench"),
});
const OPTIONS: readonly Option[] = [
  jsonLines,
  block("none", { codec: "none" }),
  block("deflate 1", { codec: "deflate", level: 1 }),
  block("deflate 6", { codec: "deflate", level: 6 }),
  block("brotli 1", { codec: "brotli", level: 1 }),
  block("brotli 4", { codec: "brotli", level: 4 }),
];

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
const csv = csvBytes(rows);
const mb = csv / 1e6;
console.log(`${total} rows, CSV ${csv} bytes = ${(csv / total).toFixed(1)} bytes/row\n`);

for (const size of blockSizes) {
  const blocks: Row[][] = [];
  for (let i = 0; i < total; i += size) blocks.push(rows.slice(i, i + size));
  console.log(`blocks of ${size} rows`);
  console.log("codec              bytes/row  x CSV  encode MB/s  decode MB/s  decode Mrows/s");
  for (const option of OPTIONS) {
    let encoded: Uint8Array[] = [];
    const enc = best(RUNS, () => (encoded = blocks.map((b) => option.encode(b))));
    const dec = best(RUNS, () => {
      for (const e of encoded) option.decode(e);
    });
    const bytes = encoded.reduce((a, e) => a + e.byteLength, 0);
    console.log(
      [
        option.name.padEnd(18),
        (bytes / total).toFixed(1).padStart(9),
        (bytes / csv).toFixed(2).padStart(6),
        (mb / (enc / 1000)).toFixed(0).padStart(12),
        (mb / (dec / 1000)).toFixed(0).padStart(12),
        (total / (dec / 1000) / 1e6).toFixed(2).padStart(15),
      ].join(" "),
    );
  }
  // The compression step alone, on the uncompressed columnar payloads (header stripped).
  const payloads = blocks.map((b) => encodeBlock(b, { codec: "none" }).subarray(28));
  const raw = payloads.reduce((a, p) => a + p.byteLength, 0);
  console.log(`\ncompression step alone (${(raw / total).toFixed(1)} payload bytes/row)`);
  console.log("codec              compress MB/s  decompress MB/s  (MB of CSV/s; payload MB/s in brackets)");
  const steps: readonly [string, (p: Uint8Array) => Uint8Array, (c: Uint8Array, n: number) => Uint8Array][] = [
    ["deflate 1", (p) => zlib.deflateRawSync(p, { level: 1 }), (c, n) => zlib.inflateRawSync(c, { maxOutputLength: n })],
    ["deflate 6", (p) => zlib.deflateRawSync(p, { level: 6 }), (c, n) => zlib.inflateRawSync(c, { maxOutputLength: n })],
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
