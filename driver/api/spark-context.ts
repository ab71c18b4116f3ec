/**
 * `spark.sparkContext` (`sc`): the application's low-level handle, as in Spark: its
 * identity, status tracker and log level, and the RDD API's entry points (parallelize,
 * textFile, wholeTextFiles), broadcast variables and accumulators.
 */
import type { ExecutorStatus, StatusTracker } from "../monitoring/status-tracker.ts";
import { setLogLevel, type LogLevel } from "../monitoring/log.ts";
import type { UnresolvedPlan } from "../../shared/plan/logical.ts";
import type { Accumulator } from "./accumulator.ts";
import type { Broadcast } from "./broadcast.ts";
import type { ShippedModule } from "./modules.ts";
import { ELEMENT_SCHEMA, type RDD } from "./rdd.ts";

export interface SparkContextHost {
  readonly appId: string;
  readonly defaultParallelism: number;
  readonly master: string;
  readonly tracker: StatusTracker;
  /** Memory of one executor in MiB: the function's configured memory, or a worker's heap limit. */
  executorMemoryMiB(): Promise<number>;
  rdd<T>(plan: UnresolvedPlan): RDD<T>;
  broadcast<T>(value: T): Broadcast<T>;
  accumulator<T>(kind: "number" | "list", initial: T): Accumulator<T>;
  addModule(specifier: string): Promise<ShippedModule>;
}

export class SparkContext {
  constructor(private readonly host: SparkContextHost) {}

  get applicationId(): string {
    return this.host.appId;
  }

  get defaultParallelism(): number {
    return this.host.defaultParallelism;
  }

  get master(): string {
    return this.host.master;
  }

  /** ALL, DEBUG, INFO, WARN (default), ERROR, FATAL or OFF: the driver's log level, passed on to executors. */
  setLogLevel(level: string): void {
    setLogLevel(level.toUpperCase() as LogLevel);
  }

  /** Active jobs and stages and their task counts (Spark's SparkStatusTracker). */
  statusTracker(): StatusTracker {
    return this.host.tracker;
  }

  /**
   * Spark's getExecutorMemoryStatus() maps each executor to its memory. Executors here are
   * invocations that come and go, so this reports them as a whole: running now, at most,
   * launched in all, each one's configured memory, and the largest peak memory a task saw.
   */
  async getExecutorMemoryStatus(): Promise<ExecutorStatus & { readonly memoryPerExecutorMiB: number }> {
    return { ...this.host.tracker.executorStatus(), memoryPerExecutorMiB: await this.host.executorMemoryMiB() };
  }

  // ---- RDDs, broadcast variables, accumulators ----

  /** An RDD of `data`'s elements in numSlices partitions (default: defaultParallelism), kept in order. */
  parallelize<T>(data: readonly T[], numSlices?: number): RDD<T> {
    const n = numSlices ?? Math.max(1, Math.min(this.host.defaultParallelism, data.length || 1));
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`parallelize: numSlices must be a whole number of at least 1, got ${numSlices}.`);
    for (let i = 0; i < data.length; i++) {
      if (data[i] === undefined || typeof data[i] === "function" || typeof data[i] === "bigint") {
        throw new TypeError(`parallelize: element ${i} is ${typeof data[i]}; elements must be JSON-able values (null for nothing).`);
      }
    }
    return this.host.rdd<T>({ kind: "localRelation", schema: ELEMENT_SCHEMA, rows: data.map((x) => [x as never]), numPartitions: n });
  }

  /**
   * The lines of text files (a file, a folder, a glob; gzip by extension), split like
   * spark.read.text. `minPartitions` is accepted for Spark compatibility: splits follow
   * spark.sql.files.maxPartitionBytes instead.
   */
  textFile(path: string, _minPartitions?: number): RDD<string> {
    return this.host.rdd<string>({ kind: "unresolvedScan", format: "text", paths: [path], options: {}, schema: null });
  }

  /** [path, whole content] for each file under `path` (each file read whole by one task). */
  wholeTextFiles(path: string): RDD<[string, string]> {
    const scan: UnresolvedPlan = { kind: "unresolvedScan", format: "text", paths: [path], options: { wholetext: "true" }, schema: null };
    const rows = this.host.rdd<{ path: string; value: string }>({ kind: "mapPartitions", input: scan, mode: "toObjects", fn: null, zero: null, schema: ELEMENT_SCHEMA });
    return rows.map((file) => [file.path, file.value] as [string, string]);
  }

  /** Stores `value` once (as JSON) for the tasks of every job that captures it: `rdd.map((x, { lookup }) => lookup.value[x], { lookup })`. */
  broadcast<T>(value: T): Broadcast<T> {
    return this.host.broadcast(value);
  }

  /** A numeric accumulator: tasks add with acc.add(n); the driver reads acc.value. */
  accumulator(initial = 0): Accumulator<number> {
    if (typeof initial !== "number") throw new TypeError("accumulator(initial): a number is needed; use collectionAccumulator() to collect values.");
    return this.host.accumulator("number", initial);
  }

  /** An accumulator that collects every value added to it (Spark's CollectionAccumulator). */
  collectionAccumulator<T = unknown>(): Accumulator<T[]> {
    return this.host.accumulator<T[]>("list", []);
  }

  /**
   * An npm package for shipped functions, bundled and stored once (see driver/api/modules.ts):
   * `const width = await sc.addModule("string-width")`, then capture it: `{ width }`.
   */
  addModule(specifier: string): Promise<ShippedModule> {
    return this.host.addModule(specifier);
  }

  emptyRDD<T>(): RDD<T> {
    return this.parallelize<T>([], 1);
  }

  union<T>(rdds: readonly RDD<T>[]): RDD<T> {
    if (rdds.length === 0) throw new Error("sc.union: give at least one RDD.");
    return rdds.slice(1).reduce((a, b) => a.union(b), rdds[0]!);
  }
}
