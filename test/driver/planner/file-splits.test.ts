import { describe, expect, it } from "vitest";
import { planFilePartitions, splitSize } from "../../../driver/planner/file-splits.ts";

const MiB = 2 ** 20;
const options = { maxPartitionBytes: 128 * MiB, openCostInBytes: 4 * MiB, minPartitions: 8 };

describe("file splits and packing (Spark's FilePartition)", () => {
  it("cuts a large splittable file into ranges that cover it exactly once", () => {
    const parts = planFilePartitions([{ uri: "s3://b/big.csv", size: 1000 * MiB + 7 }], () => true, options);
    const ranges = parts.flatMap((p) => (p.kind === "files" ? p.files : [])).map((f) => [f.start ?? 0, f.length ?? f.size] as const);
    ranges.sort((a, b) => a[0] - b[0]);
    let next = 0;
    for (const [start, length] of ranges) {
      expect(start).toBe(next);
      next = start + length;
    }
    expect(next).toBe(1000 * MiB + 7);
    // Byte offsets are whole numbers (the task payload's schema requires it).
    expect(ranges.every(([start, length]) => Number.isInteger(start) && Number.isInteger(length))).toBe(true);
    // 1000 MiB over 8 cores: splits of about 125.5 MiB, so 8 tasks.
    expect(parts.length).toBe(8);
  });

  it("keeps an unsplittable file whole, and packs small files into few tasks", () => {
    expect(planFilePartitions([{ uri: "s3://b/big.csv.gz", size: 1000 * MiB }], () => false, options)).toEqual([{ kind: "files", files: [{ uri: "s3://b/big.csv.gz", size: 1000 * MiB }] }]);
    const small = Array.from({ length: 100 }, (_, i) => ({ uri: `s3://b/s-${String(i).padStart(3, "0")}.csv`, size: 1000 }));
    const parts = planFilePartitions(small, () => true, options);
    // 100 files of 1 KB "cost" 4 MiB each; (100 KB + 400 MiB) / 8 cores ≈ 50 MiB per task: 14 files each.
    expect(splitSize(100_000, 100, options)).toBe(Math.floor((100_000 + 400 * MiB) / 8));
    expect(parts.length).toBe(8);
    expect(parts.flatMap((p) => (p.kind === "files" ? p.files.map((f) => f.uri) : [])).sort()).toEqual(small.map((f) => f.uri));
  });
});
