/**
 * `spark.sparkContext` (`sc`): the application's low-level handle, as in Spark. Here it
 * carries the application's identity, the status tracker and log level; the RDD API will
 * hang off it too.
 */
import type { ExecutorStatus, StatusTracker } from "../monitoring/status-tracker.ts";
import { setLogLevel, type LogLevel } from "../monitoring/log.ts";

export interface SparkContextHost {
  readonly appId: string;
  readonly defaultParallelism: number;
  readonly master: string;
  readonly tracker: StatusTracker;
  /** Memory of one executor in MiB: the function's configured memory, or a worker's heap limit. */
  executorMemoryMiB(): Promise<number>;
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
}
