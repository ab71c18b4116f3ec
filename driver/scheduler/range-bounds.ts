/**
 * Range partitioning bounds from samples of a map stage's sort keys, as Spark's
 * RangePartitioner computes them: every sampled key stands for (partition rows / sample
 * size) rows, candidates are sorted, and a bound is placed each time the cumulated weight
 * passes another 1/R of the total. Equal keys never straddle a bound, so a partition may
 * receive more than its share when one key is very frequent (as in Spark).
 */
import { compareSortKeys } from "../../shared/plan/semantics.ts";
import type { Row } from "../../shared/plan/types.ts";

export interface KeySample {
  readonly keys: readonly Row[];
  /** Rows of the partition the keys were drawn from. */
  readonly rows: number;
}

type Orders = readonly { ascending: boolean; nullsFirst: boolean }[];

/** Spark's sample sizes: 20 keys per output partition (at most 1e6), drawn 3x over from each input partition. */
export function sampleSizePerPartition(outputPartitions: number, inputPartitions: number): number {
  const total = Math.min(20 * outputPartitions, 1e6);
  return Math.max(1, Math.ceil((3 * total) / Math.max(inputPartitions, 1)));
}

/** At most `partitions - 1` strictly increasing bounds. */
export function determineBounds(samples: readonly KeySample[], orders: Orders, partitions: number): Row[] {
  const candidates: { key: Row; weight: number }[] = [];
  for (const s of samples) {
    if (s.keys.length === 0) continue;
    const weight = s.rows / s.keys.length;
    for (const key of s.keys) candidates.push({ key, weight });
  }
  if (candidates.length === 0 || partitions <= 1) return [];
  candidates.sort((a, b) => compareSortKeys(a.key, b.key, orders));
  const step = candidates.reduce((sum, c) => sum + c.weight, 0) / partitions;
  const bounds: Row[] = [];
  let cumulated = 0;
  let target = step;
  for (const { key, weight } of candidates) {
    if (bounds.length >= partitions - 1) break;
    cumulated += weight;
    if (cumulated < target) continue;
    const previous = bounds[bounds.length - 1];
    if (previous === undefined || compareSortKeys(key, previous, orders) > 0) {
      bounds.push(key);
      target += step;
    }
  }
  return bounds;
}
