/**
 * How a scan's files become task inputs (Spark's FilePartition): a splittable file larger
 * than the split size is cut into byte ranges; splits, largest first, are packed into
 * partitions of at most the split size, each file costing `openCostInBytes` extra, so many
 * small files share a task. The split size is spark.sql.files.maxPartitionBytes, lowered
 * when the input is small so every core (or `minPartitions`) still gets work.
 *
 * A line-based split [start, start + length) owns the records that start inside it: its
 * reader skips a partial first line and reads past its end to finish the last one.
 */
import type { PartitionInput } from "../../shared/plan/physical.ts";

export interface FileSplitOptions {
  /** spark.sql.files.maxPartitionBytes (default 128m) */
  readonly maxPartitionBytes: number;
  /** spark.sql.files.openCostInBytes (default 4m) */
  readonly openCostInBytes: number;
  /** Parallelism the split size aims for (spark.default.parallelism). */
  readonly minPartitions: number;
}

export const DEFAULT_FILE_SPLITS: FileSplitOptions = { maxPartitionBytes: 128 * 2 ** 20, openCostInBytes: 4 * 2 ** 20, minPartitions: 1 };

type Scalar = string | number | boolean | null;

interface InputFile {
  readonly uri: string;
  readonly size: number;
  readonly partitionValues?: readonly Scalar[];
}

interface Split extends InputFile {
  readonly start: number;
  readonly length: number;
}

export function splitSize(totalBytes: number, fileCount: number, options: FileSplitOptions): number {
  const bytesPerCore = (totalBytes + fileCount * options.openCostInBytes) / Math.max(1, options.minPartitions);
  return Math.max(1, Math.floor(Math.min(options.maxPartitionBytes, Math.max(options.openCostInBytes, bytesPerCore))));
}

export function planFilePartitions(
  files: readonly InputFile[],
  isSplittable: (uri: string) => boolean,
  options: FileSplitOptions,
): PartitionInput[] {
  const total = files.reduce((n, f) => n + f.size, 0);
  const maxSplit = splitSize(total, files.length, options);
  const splits: Split[] = [];
  for (const f of files) {
    if (isSplittable(f.uri) && f.size > maxSplit) {
      for (let start = 0; start < f.size; start += maxSplit) splits.push({ ...f, start, length: Math.min(maxSplit, f.size - start) });
    } else {
      splits.push({ ...f, start: 0, length: f.size });
    }
  }
  // Largest first, then by name and offset, so the packing is deterministic.
  splits.sort((a, b) => b.length - a.length || (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.start - b.start));
  const partitions: Split[][] = [];
  let current: Split[] = [];
  let currentSize = 0;
  for (const split of splits) {
    if (current.length > 0 && currentSize + split.length > maxSplit) {
      partitions.push(current);
      current = [];
      currentSize = 0;
    }
    current.push(split);
    currentSize += split.length + options.openCostInBytes;
  }
  if (current.length > 0) partitions.push(current);
  return partitions.map((group) => ({
    kind: "files" as const,
    files: group.map((s) => ({
      uri: s.uri,
      size: s.size,
      ...(s.start === 0 && s.length === s.size ? {} : { start: s.start, length: s.length }),
      ...(s.partitionValues ? { partitionValues: [...s.partitionValues] } : {}),
    })),
  }));
}
