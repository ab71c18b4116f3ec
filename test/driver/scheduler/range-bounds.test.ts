import { describe, expect, it } from "vitest";
import { determineBounds, sampleSizePerPartition } from "../../../driver/scheduler/range-bounds.ts";
import { rangePartition } from "../../../executor-fn/stage/shuffle.ts";
import { seededRandom } from "../../../shared/random.ts";

const asc = [{ ascending: true, nullsFirst: true }];
const desc = [{ ascending: false, nullsFirst: false }];
const asKeys = (values: (number | string | null)[]) => values.map((v) => [v]);

describe("range partitioning bounds", () => {
  it("cuts uniform keys into equal ranges", () => {
    const keys = asKeys(Array.from({ length: 1000 }, (_, i) => i));
    expect(determineBounds([{ keys, rows: 1000 }], asc, 4)).toEqual([[249], [499], [749]]);
  });

  it("weights each sample by the size of the partition it came from", () => {
    // Partition A: 100 keys 0..99 sampled fully; partition B: 900 rows sampled as 10 keys of 1000..1009.
    const a = { keys: asKeys(Array.from({ length: 100 }, (_, i) => i)), rows: 100 };
    const b = { keys: asKeys(Array.from({ length: 10 }, (_, i) => 1000 + i)), rows: 900 };
    // Total weight 1000, so the two cuts come at 333 and 666: both inside B's keys (90 rows each).
    expect(determineBounds([a, b], asc, 3)).toEqual([[1002], [1006]]);
  });

  it("never repeats a bound when one key dominates, and handles no data", () => {
    const keys = asKeys([...Array.from({ length: 90 }, () => 7), ...Array.from({ length: 10 }, (_, i) => 100 + i)]);
    const bounds = determineBounds([{ keys, rows: 100 }], asc, 4);
    expect(bounds[0]).toEqual([7]);
    expect(new Set(bounds.map((b) => b[0])).size).toBe(bounds.length);
    expect(determineBounds([{ keys: [], rows: 0 }], asc, 4)).toEqual([]);
    expect(determineBounds([{ keys, rows: 100 }], asc, 1)).toEqual([]);
  });

  it("follows descending order and null placement", () => {
    const bounds = determineBounds([{ keys: asKeys([1, 2, null, 4, 3, null]), rows: 6 }], desc, 3);
    // In order 4, 3, 2, 1, null, null a third of the weight is 2 rows: cuts after 3 and after 1.
    expect(bounds).toEqual([[3], [1]]);
  });

  it("routes each key to the partition that holds its range, equal to the bound included", () => {
    const bounds = asKeys([10, 20, 30]);
    const cases: [number | null, number][] = [[null, 0], [-5, 0], [10, 0], [11, 1], [20, 1], [25, 2], [30, 2], [31, 3], [1e9, 3]];
    for (const [key, partition] of cases) expect(rangePartition([key], bounds, asc)).toBe(partition);
  });

  it("routes random keys so that every partition's keys are above the previous one's (independent check)", () => {
    const random = seededRandom(3);
    const values = Array.from({ length: 5000 }, () => Math.floor(random() * 100_000));
    const bounds = determineBounds([{ keys: asKeys(values.slice(0, 600)), rows: 5000 }], asc, 8);
    const parts: number[][] = Array.from({ length: 8 }, () => []);
    for (const v of values) parts[rangePartition([v], bounds, asc)]!.push(v);
    for (let p = 1; p < 8; p++) {
      if (parts[p]!.length && parts[p - 1]!.length) expect(Math.min(...parts[p]!)).toBeGreaterThan(Math.max(...parts[p - 1]!));
    }
    const sizes = parts.map((p) => p.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2 * Math.min(...sizes));
  });

  it("samples 60 keys per output partition spread over the input partitions, as Spark does", () => {
    expect(sampleSizePerPartition(200, 10)).toBe(1200);
    expect(sampleSizePerPartition(8, 4)).toBe(120);
  });
});
