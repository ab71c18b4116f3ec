/**
 * Adaptive execution (Spark's AQE), decided after the map stages a reduce stage reads have
 * finished, from the sizes their tasks reported for each reduce partition:
 *
 * - Coalescing (CoalesceShufflePartitions): neighbouring reduce partitions are merged into
 *   one task until the next would pass the advisory size, so 200 tiny partitions do not
 *   cost 200 invocations. Neighbours only, so range-partitioned (sorted) output stays ordered.
 * - Skew (OptimizeSkewedJoin): a join partition larger than `skewFactor` × the median and
 *   than `skewThresholdBytes` on one side is split by map outputs into tasks of about the
 *   advisory size; each reads a slice of that side and all of the other side's partition.
 *   Only a side whose rows are each emitted at most once per matching partner is split:
 *   the left for inner, left outer, semi and anti joins; the right for inner and right outer.
 *
 * Pure: sizes in, task specs out.
 */
import type { JoinType } from "../../shared/plan/join.ts";

export interface AdaptiveOptions {
  /** spark.sql.adaptive.advisoryPartitionSizeInBytes */
  readonly advisoryBytes: number;
  /** spark.sql.adaptive.coalescePartitions.enabled */
  readonly coalesce: boolean;
  /** spark.sql.adaptive.skewJoin.enabled */
  readonly skewJoin: boolean;
  /** spark.sql.adaptive.skewJoin.skewedPartitionFactor */
  readonly skewFactor: number;
  /** spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes */
  readonly skewThresholdBytes: number;
}

/** One reduce task: whole partitions [from, to), or a slice of map outputs of one side of one partition. */
export type ReduceTaskSpec =
  | { readonly kind: "partitions"; readonly from: number; readonly to: number }
  | { readonly kind: "skewSlice"; readonly partition: number; readonly side: "left" | "right"; readonly maps: readonly number[] };

/** Bytes of each reduce partition in each map output, kept by the driver (map-outputs.ts). */
export interface MapSizeTable {
  readonly maps: number;
  size(map: number, partition: number): number;
  /** Bytes of each partition across all maps (a fast path; else summed from size()). */
  partitionTotals?(partitions: number): number[];
}

/** Bytes of each reduce partition in each map output: sizes[map][partition], or a table. */
export type MapSizes = readonly (readonly number[])[] | MapSizeTable;

const tableOf = (sizes: MapSizes): MapSizeTable =>
  "size" in sizes ? sizes : { maps: sizes.length, size: (map, r) => sizes[map]![r] ?? 0 };

function partitionTotals(sizes: MapSizeTable, partitions: number): number[] {
  if (sizes.partitionTotals) return sizes.partitionTotals(partitions);
  const totals = new Array<number>(partitions).fill(0);
  for (let m = 0; m < sizes.maps; m++) for (let r = 0; r < partitions; r++) totals[r]! += sizes.size(m, r);
  return totals;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Groups consecutive map outputs so each group holds about `target` bytes of partition r. */
function sliceMaps(sizes: MapSizeTable, r: number, target: number): number[][] {
  const slices: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (let map = 0; map < sizes.maps; map++) {
    const size = sizes.size(map, r);
    if (current.length > 0 && bytes + size > target) {
      slices.push(current);
      current = [];
      bytes = 0;
    }
    current.push(map);
    bytes += size;
  }
  if (current.length > 0) slices.push(current);
  return slices;
}

const SPLITTABLE: Record<JoinType, { left: boolean; right: boolean }> = {
  inner: { left: true, right: true },
  left: { left: true, right: false },
  semi: { left: true, right: false },
  anti: { left: true, right: false },
  right: { left: false, right: true },
  full: { left: false, right: false },
};

/**
 * The reduce tasks of a stage reading one shuffle (`sides.right` absent) or a join of two
 * co-partitioned shuffles.
 */
export function planReduceTasks(
  partitions: number,
  sides: { readonly left: MapSizes; readonly right?: MapSizes; readonly how?: JoinType },
  options: AdaptiveOptions,
): ReduceTaskSpec[] {
  const leftSizes = tableOf(sides.left);
  const rightSizes = sides.right ? tableOf(sides.right) : undefined;
  const left = partitionTotals(leftSizes, partitions);
  const right = rightSizes ? partitionTotals(rightSizes, partitions) : undefined;
  const total = (r: number) => left[r]! + (right ? right[r]! : 0);

  // Skewed join partitions, and which side to split.
  const skewed = new Map<number, "left" | "right">();
  if (right && rightSizes && sides.how && options.skewJoin) {
    const can = SPLITTABLE[sides.how];
    const isSkewed = (size: number, med: number) => size > options.skewFactor * med && size > options.skewThresholdBytes;
    const [medLeft, medRight] = [median(left), median(right)];
    for (let r = 0; r < partitions; r++) {
      if (can.left && isSkewed(left[r]!, medLeft)) skewed.set(r, "left");
      else if (can.right && isSkewed(right[r]!, medRight)) skewed.set(r, "right");
    }
  }

  const specs: ReduceTaskSpec[] = [];
  let from = 0;
  let bytes = 0;
  const close = (to: number) => {
    if (to > from) specs.push({ kind: "partitions", from, to });
    from = to;
    bytes = 0;
  };
  for (let r = 0; r < partitions; r++) {
    const side = skewed.get(r);
    if (side) {
      close(r);
      const sizes = side === "left" ? leftSizes : rightSizes!;
      for (const maps of sliceMaps(sizes, r, options.advisoryBytes)) specs.push({ kind: "skewSlice", partition: r, side, maps });
      from = r + 1;
      continue;
    }
    if (!options.coalesce) {
      close(r);
      close(r + 1);
      continue;
    }
    if (r > from && bytes + total(r) > options.advisoryBytes) close(r);
    bytes += total(r);
  }
  close(partitions);
  return specs;
}
