/**
 * Session configuration: Spark's key names where the meaning carries over, `sparkfn.*` for
 * the rest. Unknown keys are kept (and warned about once), never dropped.
 */

export const KNOWN_CONFIG: Readonly<Record<string, string>> = {
  "spark.app.name": "application name",
  "spark.master": "local[N], local[*] or lambda",
  "spark.sql.shuffle.partitions": "reduce partitions of a shuffle (default 200 on lambda, 2 x N on local[N])",
  "spark.sql.session.timeZone": "the time zone timestamps are read, shown and cut into days in: a region (Europe/Paris) or an offset (+08:00); default UTC",
  "spark.sql.ansi.enabled": "ANSI mode (default true, as Spark 4): a cast fails on a value it cannot convert, and implicit coercion follows ANSI rules; false gives Spark's legacy casts (null, wrap-around)",
  "spark.sql.mapKeyDedupPolicy": "a repeated key in map(), map_from_arrays() or transform_keys(): EXCEPTION (default, as Spark 4) fails; LAST_WIN keeps the last value",
  "spark.default.parallelism": "partitions of createDataFrame/range (default N on local[N], 8 on lambda)",
  "spark.driver.maxResultSize": "cap on results pulled to the driver",
  "spark.task.maxFailures": "attempts per task (default 4)",
  "spark.sql.autoBroadcastJoinThreshold": "broadcast a join side estimated under this size (default 10m; -1: only hinted sides)",
  "spark.sql.adaptive.enabled": "adaptive execution: plan reduce tasks from map output sizes (default true)",
  "spark.sql.adaptive.advisoryPartitionSizeInBytes": "target size of a reduce task's input after coalescing (default 64m)",
  "spark.sql.adaptive.coalescePartitions.enabled": "merge small neighbouring reduce partitions (default true)",
  "spark.sql.adaptive.skewJoin.enabled": "split skewed join partitions (default true)",
  "spark.sql.adaptive.skewJoin.skewedPartitionFactor": "a join partition is skewed above this many times the median (default 5)",
  "spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes": "... and above this size (default 256m)",
  "spark.speculation": "run a second attempt of slow tasks (default false)",
  "spark.ui.showConsoleProgress": "stage progress bars (a line per stage without a terminal) and each job's cost on stderr (default: on under sparkfn submit or with a terminal on stderr)",
  "spark.speculation.multiplier": "how many times slower than the median a task must be (default 1.5)",
  "spark.speculation.quantile": "share of a stage's tasks done before speculating (sparkfn's default 0: the stage's duration estimate decides, counting running tasks; Spark's 0.75 waits for three quarters of the tasks)",
  "sparkfn.speculation.cap": "most speculative copies in flight at once, as a share of the concurrent invocations (default 0.1, at least one)",
  "sparkfn.speculation.hedgeBudget": "with speculation on, copies a stage may make beyond straggler copies, as a share of the job's tasks so far, its own included (default 0.05; 0: none): a stage of no more tasks than that, fitting twice in the concurrent invocations (spark.dynamicAllocation.maxExecutors), starts each task as two attempts (three when the budget holds two copies per task and the invocations three attempts); another spends them in its tail, on the tasks started last, before they outrun the median. Each copy reads its whole input again: the reducers of a shuffle read as written by thousands of maps double their GETs with each copy",
  "spark.speculation.minTaskRuntime": "never speculate on a task younger than this (default 100ms)",
  "spark.speculation.interval": "how often to look for slow tasks (default 100ms)",
  "spark.sql.files.maxPartitionBytes": "largest split of a file read by one task (default 128m)",
  "spark.sql.files.openCostInBytes": "what opening a file costs, in bytes, when small files are packed into tasks (default 4m)",
  "spark.eventLog.enabled": "write an event log (default false; true under sparkfn submit)",
  "spark.eventLog.dir": "where the event log goes: a folder or s3:// prefix (default /tmp/spark-events)",
  "spark.dynamicAllocation.maxExecutors": "most concurrent invocations (default 100)",
  "sparkfn.stackName": "CloudFormation stack of the engine (default Sparkfn)",
  "sparkfn.task.timeout": "abandon and retry a task attempt running longer than this (e.g. 30s, 15m; default: none)",
  "sparkfn.lambda.invokeTimeout": "how long one executor invocation may wait for its answer before it fails as a dropped connection and is retried; must exceed the function's timeout (default: the function's timeout + 30s)",
  "sparkfn.test.faults": "test only: faults to inject, as a JSON list of {stage, partition, attempt, kind: throw|exit|hang|throttle|loseOutput|corruptOutput|slow|failAfterRun} or a seeded schedule {seed, rate, kinds} (driver/scheduler/test-faults.ts)",
  "sparkfn.task.inlinePayloadMaxBytes": "a task payload above this size sends its input through S3 instead (default 5m; Lambda requests hold 6 MB)",
  "sparkfn.result.inlineMaxBytes": "result rows above this size are stored by the task and fetched (default 1m; Lambda responses hold 6 MB)",
  "sparkfn.executor.memoryBudget": "memory a task's aggregation may hold before spilling (default: 60% of the function's memory less 64 MiB)",
  "sparkfn.shuffle.inlineIndexMaxBytes": "a reducer's list of map-object slices above this size goes to a slice file the driver writes once per stage, and the task payload names its range (default 8k: payloads stop growing with the number of maps)",
  "sparkfn.shuffle.combine.threshold": "a map stage whose maps × reduce partitions reaches this is combined before it is read (a two-level exchange: combiners merge groups of map objects, so reducers issue one ranged GET per group instead of one per map); 0 turns it off (default 1000000)",
  "sparkfn.shuffle.combine.groupBytes": "bytes of map objects one combiner reads and writes again (default 128m; it holds twice this in memory)",
  "spark.shuffle.compress": "compress shuffle blocks with brotli (default true on lambda, where every byte goes through S3; false on local[N], where blocks stay on local disk and compressing costs more CPU than it saves)",
};

/** Parses Spark size strings: `1024`, `64k`, `64m`, `1g`, `2t` (binary units), `0`. */
export function parseSize(value: string | number): number {
  if (typeof value === "number") return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(value);
  if (!match) throw new Error(`Cannot read the size "${value}": use a number of bytes or a suffix k, m, g or t (e.g. 64m).`);
  const power = { "": 0, k: 1, m: 2, g: 3, t: 4 }[match[2]!.toLowerCase() as "" | "k" | "m" | "g" | "t"];
  return Math.round(Number(match[1]) * 1024 ** power);
}

/** Parses durations: `500` (ms), `500ms`, `30s`, `15m`, `1h`. */
export function parseDuration(value: string | number): number {
  if (typeof value === "number") return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(value);
  if (!match) throw new Error(`Cannot read the duration "${value}": use milliseconds or a suffix ms, s, m or h (e.g. 30s).`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? "ms").toLowerCase() as "ms" | "s" | "m" | "h"];
  return Math.round(Number(match[1]) * unit);
}

export type Master = { kind: "local"; threads: number } | { kind: "lambda" };

export function parseMaster(master: string, cores: number): Master {
  if (master === "lambda") return { kind: "lambda" };
  const match = /^local(?:\[(\*|\d+)\])?$/.exec(master);
  if (!match) throw new Error(`Unknown master "${master}": use local, local[N], local[*] or lambda.`);
  const threads = match[1] === undefined ? 1 : match[1] === "*" ? cores : Number(match[1]);
  if (threads < 1) throw new Error(`Master "${master}" needs at least one thread.`);
  return { kind: "local", threads };
}

export class RuntimeConfig {
  private readonly values = new Map<string, string>();
  private readonly warned = new Set<string>();

  constructor(
    initial: Iterable<[string, string]> = [],
    private readonly warn: (message: string) => void = (m) => console.warn(m),
  ) {
    for (const [k, v] of initial) this.set(k, v);
  }

  set(key: string, value: string | number | boolean): void {
    if (!(key in KNOWN_CONFIG) && !this.warned.has(key)) {
      this.warned.add(key);
      this.warn(`sparkfn: config "${key}" is not used by sparkfn; it is kept, but has no effect.`);
    }
    this.values.set(key, String(value));
  }

  /** Back to the default, as Spark's spark.conf.unset(key). */
  unset(key: string): void {
    this.values.delete(key);
  }

  get(key: string, fallback?: string): string | undefined {
    return this.values.get(key) ?? fallback;
  }

  getInt(key: string, fallback: number): number {
    const raw = this.values.get(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new Error(`Config ${key}=${raw} must be a whole number.`);
    return n;
  }

  entries(): [string, string][] {
    return [...this.values];
  }
}
