/**
 * 2. Shuffle encoding: the generated transaction rows as a map task's output vectors,
 * hash-partitioned on customer_id into `partitions` reduce partitions and encoded by the
 * shuffle writer (executor-fn/stage/shuffle.ts): a partition id per row (hashKeys, the
 * writer's hash router), then encodePartitions: a counting sort of the row indexes by
 * partition and each partition's block encoded straight from the vectors through its index
 * list (encodeVectorsBlock), back to back in one object. Read back block by block as
 * reducers do, into batches (decodeShuffleBlock).
 *
 * The vectors are built once, outside the timed part, as the readers make them: id and
 * amount f64 (amount with nulls), category a dictionary vector (.dict=0: a string vector),
 * customer_id i32, ts a string vector of flat strings (the CSV reader cuts each value from
 * its buffer; the generator's strings are concatenations, which V8 keeps as rope pieces).
 *
 * Bytes per row against the same rows as CSV text (no header); throughput in MB of that
 * CSV per second and in rows per second. Encode includes routing rows to partitions.
 *
 * Knobs: --set shuffle-encoding.partitions=16 (reduce partitions), .dict=1 (category as a dict vector).
 */
import type { Row } from "../shared/plan/types.ts";
import type { Vector } from "../shared/batch/vector.ts";
import { vectorFromValues } from "../shared/batch/vector.ts";
import { denseBatch } from "../shared/batch/batch.ts";
import { decodeShuffleBlock, encodePartitions } from "../executor-fn/stage/shuffle.ts";
import { hashKeys } from "../executor-fn/operators/keys.ts";
import type { BenchContext, Benchmark } from "./harness.mts";
import { CATEGORIES, csvText, TRANSACTIONS_SCHEMA, transactionRows } from "./data.mts";

interface Block {
  readonly offset: number;
  readonly length: number;
  readonly rows: number;
}

/** The transaction rows' vectors, as readers produce them. */
function transactionVectors(rows: readonly Row[], dict: boolean): Vector[] {
  const n = rows.length;
  const column = (c: number) => rows.map((r) => r[c] ?? null);
  const category: Vector = dict
    ? (() => {
        const codes = new Int32Array(n);
        const ids = new Map<string, number>(CATEGORIES.map((s, i) => [s, i]));
        for (let i = 0; i < n; i++) codes[i] = ids.get(rows[i]![1] as string)!;
        return { kind: "dict", codes, dict: [...CATEGORIES], nulls: null };
      })()
    : vectorFromValues("string", column(1));
  const customers = new Int32Array(n);
  for (let i = 0; i < n; i++) customers[i] = rows[i]![3] as number;
  return [
    vectorFromValues("long", column(0)),
    category,
    vectorFromValues("double", column(2)),
    { kind: "i32", values: customers, nulls: null },
    { kind: "str", values: rows.map((r) => flat(r[4] as string)), nulls: null },
  ];
}

/** The string as a reader makes it: one flat sequential string. */
function flat(s: string): string {
  return Buffer.from(s, "utf8").toString("utf8");
}

/** Each row's reduce partition: the partition hash of its customer_id. */
function route(key: Vector, count: number, partitions: number): Int32Array {
  const hashes = hashKeys([key], count);
  const ids = new Int32Array(count);
  for (let k = 0; k < count; k++) ids[k] = hashes[k]! % partitions;
  return ids;
}

export const shuffleEncoding: Benchmark = {
  name: "shuffle-encoding",
  title: "Shuffle encoding: bytes and throughput of the block format",
  ratios: [{ name: "shuffle_bytes_vs_csv", target: "<= 0.5" }],
  async run(ctx: BenchContext) {
    const rows = ctx.options.rows;
    const partitions = ctx.setting("partitions", 16);
    const dict = ctx.setting("dict", 1) !== 0;
    const uri = "bench://shuffle-encoding.blocks";
    // The rows only make the vectors (and check the blocks): they are gone before anything is timed.
    const { columns, csvBytes } = prepare(rows, partitions, dict, uri);
    const key = columns[3]!;

    const batch = denseBatch(columns, rows);
    const encode = () => encodePartitions(batch, route(key, rows, partitions), partitions);
    const encoded = encode();
    const decode = () => {
      let n = 0;
      for (const block of encoded.blocks) {
        if (block.length === 0) continue;
        const bytes = encoded.bytes.subarray(block.offset, block.offset + block.length);
        n += decodeShuffleBlock(bytes, { uri, ...block }).length;
      }
      return n;
    };
    if (decode() !== rows) throw new Error("shuffle decode returned a different row count");

    const shuffleBytes = encoded.bytes.byteLength;
    ctx.info("rows", rows);
    ctx.info("partitions", partitions);
    ctx.info("csvBytes", csvBytes);
    ctx.info("shuffleBytes", shuffleBytes);
    ctx.info("csvBytesPerRow", csvBytes / rows);
    ctx.info("shuffleBytesPerRow", shuffleBytes / rows);
    ctx.info("vectors", columns.map((v) => v.kind).join(","));
    ctx.info("size", `${rows.toLocaleString("en-US")} transaction rows (vectors ${columns.map((v) => v.kind).join(", ")}) hash-partitioned on customer_id into ${partitions} blocks`);

    const enc = await ctx.time("encode (route + encode blocks)", () => encode().bytes.byteLength);
    if (!ctx.options.quick) {
      // The two halves of encode (full runs only): encoding alone and routing alone (the partition hash of each row's key).
      const ids = route(key, rows, partitions);
      await ctx.time("encode blocks only (rows already routed)", () => encodePartitions(batch, ids, partitions).bytes.byteLength);
      await ctx.time("route only (hashKey per row)", () => {
        let h = 0;
        for (const id of route(key, rows, partitions)) h ^= id;
        return h;
      });
    }
    const dec = await ctx.time("decode (all blocks)", decode);
    const mb = csvBytes / 1e6;
    ctx.record("encode throughput (MB of CSV)", "MB/s", enc.values.map((ms) => mb / (ms / 1000)));
    ctx.record("encode throughput", "rows/s", enc.values.map((ms) => rows / (ms / 1000)));
    ctx.record("decode throughput (MB of CSV)", "MB/s", dec.values.map((ms) => mb / (ms / 1000)));
    ctx.record("decode throughput", "rows/s", dec.values.map((ms) => rows / (ms / 1000)));
    // The same work in CPU time of this process (all its threads): on a shared machine the
    // wall-clock figures above include time other processes took the cores away.
    const cpuRate = (work: () => unknown) => () => {
      const start = process.cpuUsage();
      work();
      const used = process.cpuUsage(start);
      return mb / ((used.user + used.system) / 1e6);
    };
    await ctx.sample("encode throughput, CPU time (MB of CSV)", "MB/s", cpuRate(encode));
    await ctx.sample("decode throughput, CPU time (MB of CSV)", "MB/s", cpuRate(decode));
    ctx.record("bytes per row: shuffle blocks", "bytes", [shuffleBytes / rows]);
    ctx.record("bytes per row: CSV", "bytes", [csvBytes / rows]);
    ctx.ratio("shuffle_bytes_vs_csv", shuffleBytes / csvBytes, "<= 0.5");
  },
};

/** The rows' vectors and their CSV size; checks that the encoded blocks give every row back. */
function prepare(count: number, partitions: number, dict: boolean, uri: string): { columns: Vector[]; csvBytes: number } {
  const customers = Math.max(1, Math.round(count / 10));
  const all: Row[] = [...transactionRows(count, customers)];
  const csvBytes = Buffer.byteLength(csvText(TRANSACTIONS_SCHEMA, all)) - Buffer.byteLength("id,category,amount,customer_id,ts\n");
  const columns = transactionVectors(all, dict);
  const ids = route(columns[3]!, count, partitions);
  verify(encodePartitions(denseBatch(columns, count), ids, partitions), all, ids, uri);
  return { columns, csvBytes };
}

/** Every row comes back from its partition's block, in the partition's order, with its values (untimed). */
function verify(encoded: { bytes: Uint8Array; blocks: readonly Block[] }, all: readonly Row[], ids: Int32Array, uri: string): void {
  const byPartition: Row[][] = encoded.blocks.map(() => []);
  all.forEach((row, k) => byPartition[ids[k]!]!.push(row));
  encoded.blocks.forEach((block, p) => {
    if (block.length === 0) return;
    const batch = decodeShuffleBlock(encoded.bytes.subarray(block.offset, block.offset + block.length), { uri, ...block });
    const expected = byPartition[p]!;
    for (let i = 0; i < expected.length; i++) {
      for (let c = 0; c < batch.columns.length; c++) {
        const v = batch.columns[c]!;
        const got = v.nulls !== null && v.nulls[i] === 1 ? null : v.kind === "dict" ? v.dict[v.codes[i]!] : v.kind === "bool" ? v.values[i] === 1 : v.values[i];
        if (!Object.is(got, expected[i]![c] ?? null)) throw new Error(`partition ${p} row ${i} column ${c}: ${String(got)}, expected ${String(expected[i]![c])}`);
      }
    }
  });
}
