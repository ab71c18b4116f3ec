/**
 * The memory an executor may give to a task's blocking operators (aggregation hash tables)
 * before they spill to local temporary storage, and what they spilled.
 *
 * The default follows Spark's unified memory idea: a fraction of what the process may hold.
 * On Lambda the heap limit follows the function's memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
 * in a local worker thread it is the worker's heap limit. A task may carry a smaller budget
 * (`sparkfn.executor.memoryBudget`), which tests use to force spilling.
 */
import { tmpdir } from "node:os";
import { getHeapStatistics } from "node:v8";

/** Share of the usable memory that a task's aggregation may take (Spark's spark.memory.fraction). */
const MEMORY_FRACTION = 0.6;
/** Kept back for the runtime, the input batch being processed and the output buffers (Spark's reserved memory). */
const RESERVED_BYTES = 64 * 1024 * 1024;

export interface SpillMetrics {
  /** Bytes written to local temporary files. */
  bytes: number;
  /** Sorted runs (files) written. */
  files: number;
}

export interface MemoryContext {
  readonly budgetBytes: number;
  /** Where spill files go: the function's /tmp on Lambda, the OS temp folder locally. */
  readonly spillDir: string;
  readonly spilled: SpillMetrics;
}

export function defaultMemoryBudget(): number {
  const heap = getHeapStatistics().heap_size_limit;
  const fnMb = Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  const usable = Number.isFinite(fnMb) && fnMb > 0 ? Math.min(heap, fnMb * 1024 * 1024) : heap;
  return Math.max(1024 * 1024, Math.floor((usable - RESERVED_BYTES) * MEMORY_FRACTION));
}

export function memoryContext(budgetBytes: number | undefined): MemoryContext {
  return { budgetBytes: budgetBytes ?? defaultMemoryBudget(), spillDir: tmpdir(), spilled: { bytes: 0, files: 0 } };
}
