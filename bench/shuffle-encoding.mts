/**
 * 2. Shuffle encoding: the generated transaction rows through the real shuffle writer
 * (executor-fn/stage/shuffle.ts: hash-partitioned on customer_id into `partitions` reduce
 * partitions, each a block of the binary block format, back to back in one object) and
 * read back block by block as reducers do (decodeShuffleBlock).
 *
 * Bytes per row against the same rows as CSV text (no header); throughput in MB of that
 * CSV per second and in rows per second. Encode includes routing rows to partitions.
 *
 * Knobs: --set shuffle-encoding.partitions=16 (reduce partitions), .batch=4096 (rows per add()).
 */
import { column } from "../shared/plan/expr.ts";
import type { Row } from "../shared/plan/types.ts";
import { decodeShuffleBlock, encodePartitions, ShuffleWriter } from "../executor-fn/stage/shuffle.ts";
import { hashKey } from "../executor-fn/stage/hash.ts";
import type { BenchContext, Benchmark } from "./harness.mts";
import { csvText, TRANSACTIONS_SCHEMA, transactionRows } from "./data.mts";

export const shuffleEncoding: Benchmark = {
  name: "shuffle-encoding",
  title: "Shuffle encoding: bytes and throughput of the block format",
  ratios: [{ name: "shuffle_bytes_vs_csv", target: "<= 0.5" }],
  async run(ctx: BenchContext) {
    const rows = ctx.options.rows;
    const partitions = ctx.setting("partitions", 16);
    const batchRows = ctx.setting("batch", 4096);
    const customers = Math.max(1, Math.round(rows / 10));
    const all: Row[] = [...transactionRows(rows, customers)];
    const csvBytes = Buffer.byteLength(csvText(TRANSACTIONS_SCHEMA, all)) - Buffer.byteLength("id,category,amount,customer_id,ts\n");
    const batches: Row[][] = [];
    for (let i = 0; i < all.length; i += batchRows) batches.push(all.slice(i, i + batchRows));
    const partitioning = { kind: "hash" as const, keys: [column("customer_id")], numPartitions: partitions };

    const encode = () => {
      const writer = new ShuffleWriter(partitioning, TRANSACTIONS_SCHEMA, { partition: 0 });
      for (const b of batches) writer.add(b);
      return writer.finish();
    };
    const encoded = encode();
    const uri = "bench://shuffle-encoding.blocks";
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
    ctx.info("size", `${rows.toLocaleString("en-US")} transaction rows hash-partitioned on customer_id into ${partitions} blocks`);

    const enc = await ctx.time("encode (route + encode blocks)", () => encode().bytes.byteLength);
    if (!ctx.options.quick) {
      // The two halves of encode (full runs only): routing alone (hash of each row's key) and encoding alone.
      const routed: Row[][] = Array.from({ length: partitions }, () => []);
      for (const row of all) routed[hashKey([row[3]]) % partitions]!.push(row);
      await ctx.time("encode blocks only (rows already routed)", () => encodePartitions(routed).bytes.byteLength);
      await ctx.time("route only (hashKey per row)", () => {
        let h = 0;
        for (const row of all) h ^= hashKey([row[3]]) % partitions;
        return h;
      });
    }
    const dec = await ctx.time("decode (all blocks)", decode);
    const mb = csvBytes / 1e6;
    ctx.record("encode throughput (MB of CSV)", "MB/s", enc.values.map((ms) => mb / (ms / 1000)));
    ctx.record("encode throughput", "rows/s", enc.values.map((ms) => rows / (ms / 1000)));
    ctx.record("decode throughput (MB of CSV)", "MB/s", dec.values.map((ms) => mb / (ms / 1000)));
    ctx.record("decode throughput", "rows/s", dec.values.map((ms) => rows / (ms / 1000)));
    ctx.record("bytes per row: shuffle blocks", "bytes", [shuffleBytes / rows]);
    ctx.record("bytes per row: CSV", "bytes", [csvBytes / rows]);
    ctx.ratio("shuffle_bytes_vs_csv", shuffleBytes / csvBytes, "<= 0.5");
  },
};
