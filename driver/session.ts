/**
 * SparkSession: configuration plus the clients of one master. It holds no query state;
 * DataFrames carry their plans and ask the session to run them.
 *
 *   const spark = await SparkSession.builder().appName("demo").master("local[2]").getOrCreate();
 */
import { DEFAULT_COMBINE, type CombineOptions } from "./scheduler/combine.ts";
import { DEFAULT_HEDGE_BUDGET } from "./scheduler/run-tasks.ts";
import { DEFAULT_TIME_ZONE, timeZone, type TimeZone } from "../shared/plan/functions/time-zone.ts";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import * as path from "node:path";
import type { LogicalPlan, UnresolvedPlan } from "../shared/plan/logical.ts";
import type { TaskMetrics, TaskSuccess } from "../shared/task.ts";
import type { AdaptiveOptions } from "./scheduler/adaptive.ts";
import { LimitedInvoker } from "./invoker/limited-invoker.ts";
import { EventLog } from "./monitoring/event-log.ts";
import { StatusTracker } from "./monitoring/status-tracker.ts";
import { estimateCost, type CostEstimate } from "./monitoring/cost-estimate.ts";
import { logLevel } from "./monitoring/log.ts";
import { ConsoleProgress, showConsoleProgress } from "./monitoring/progress.ts";
import { SparkContext } from "./api/spark-context.ts";
import { RDD } from "./api/rdd.ts";
import { Broadcast } from "./api/broadcast.ts";
import { Accumulator } from "./api/accumulator.ts";
import { UDFRegistration } from "./api/udf.ts";
import { bundleModule, type ShippedModule } from "./api/modules.ts";
import { evaluateModule } from "../shared/functions/modules.ts";
import type { FunctionRuntime } from "../shared/functions/compile.ts";
import type { AccumulatorKind } from "../shared/plan/function.ts";
import { getHeapStatistics } from "node:v8";
import { isS3Uri } from "../shared/storage/object-store.ts";
import { RoutingObjectStore } from "../shared/storage/routing-store.ts";
import { EVENT_LOG_VERSION, type EventBody, type EventListener, type SparkfnEvent } from "./monitoring/events.ts";
import { SPARKFN_VERSION } from "./version.ts";
import { IllegalArgumentError } from "../shared/errors.ts";
import { JobCancelledError } from "./errors.ts";
import { rangeProblem } from "../shared/plan/range.ts";

import { schemaOf } from "../shared/plan/logical.ts";
import { parseDdlSchema, rowMismatch, type DataType, type Field, type Row, type Schema, type Value } from "../shared/plan/types.ts";
import { holdsDecimal, mapDecimals, planValue } from "../shared/plan/decimal.ts";
import { castLoose } from "../shared/plan/semantics.ts";
import { APP_ID_PREFIX, appScratchUri, broadcastUri, cacheScratchUri, jobScratchUri, localScratchTemplate } from "../shared/storage/keys.ts";
import type { ObjectStore } from "../shared/storage/object-store.ts";
import { DataFrame, type QueryExecution, type RowObject, type RowValue } from "./api/dataframe.ts";
import { inferValueType, rowValueOf } from "./api/rows.ts";
import { parseDuration, parseMaster, parseSize, RuntimeConfig, type Master } from "./config.ts";
import { LocalTaskInvoker } from "./invoker/local-invoker.ts";
import type { TaskInvoker } from "./invoker/task-invoker.ts";
import { refuseSharedNames, userSchema, withUserNames } from "./planner/references.ts";
import { refuseUnwritableTypes } from "./sinks/written-types.ts";
import { readableNames } from "../shared/plan/names.ts";
import { Column } from "./api/column.ts";
import type { Expr } from "../shared/plan/expr.ts";
import { Catalog } from "./catalog.ts";
import { buildQuery } from "./sql/query-builder.ts";
import { parseQuery } from "./sql/parser.ts";
import { analyze } from "./planner/analyzer.ts";
import { explainLogical, explainStages } from "./planner/explain.ts";
import { optimize } from "./planner/optimizer/index.ts";
import { planStages, type PlannerOptions } from "./planner/physical-planner.ts";
import { runJob, runJobOutputs, streamJob, type JobContext } from "./scheduler/dag-scheduler.ts";
import { blockLists } from "./scheduler/reduce-inputs.ts";
import { faultInjector } from "./scheduler/test-faults.ts";
import { CacheManager } from "./cache-manager.ts";
import type { StageGraph } from "./planner/physical-planner.ts";
import { resolveScan } from "./sources/scan.ts";
import { abortWrite, commitWrite, existingData, temporaryDir } from "./sinks/commit.ts";
import { checkOutputLocation, inputLocations } from "./sinks/output-guard.ts";
import type { WriteSpec } from "./api/writer.ts";
import type { FileFormat } from "../shared/plan/file-source.ts";
import { DataFrameReader } from "./api/reader.ts";

/** Defaults a launcher (sparkfn submit) sets for sessions the job script creates. */
const launchDefaults = new Map<string, string>();
export function setLaunchDefaults(conf: Iterable<[string, string]>): void {
  for (const [k, v] of conf) launchDefaults.set(k, v);
}

interface Backend {
  readonly invoker: TaskInvoker;
  readonly store: ObjectStore;
  readonly scratch: string;
  /** One executor's memory: the function's configured memory, or a worker thread's heap limit. */
  executorMemoryMiB(): Promise<number>;
  close(): Promise<void>;
}

let active: SparkSession | undefined;
/** Every session created and not stopped yet (getOrCreate() calls racing can create more than one). */
const openSessions = new Set<SparkSession>();

/** Stops every session not stopped yet (sparkfn submit: on Ctrl-C, and when the script ends or throws). */
export async function stopActiveSession(): Promise<void> {
  await Promise.all([...openSessions].map((session) => session.stop()));
}

export class SparkSession implements QueryExecution {
  private stopped = false;
  private readonly cacheManager = new CacheManager();
  /** Temporary views (df.createOrReplaceTempView), for spark.sql and spark.table. */
  readonly catalog = new Catalog();
  private nextJobId = 0;

  private constructor(
    readonly conf: RuntimeConfig,
    readonly master: Master,
    readonly appId: string,
    private readonly backend: Backend,
  ) {
    openSessions.add(this);
    if (conf.get("spark.eventLog.enabled", "false") === "true") {
      const dir = conf.get("spark.eventLog.dir", "/tmp/spark-events")!;
      this.eventLog = new EventLog(dir, appId, () => (isS3Uri(backend.scratch) ? backend.store : new RoutingObjectStore()));
      this.listeners.push(this.eventLog);
    }
    if (showConsoleProgress(conf)) this.listeners.push(new ConsoleProgress());
    this.emit({ event: "ApplicationStart", appId, appName: conf.get("spark.app.name", "sparkfn")!, master: conf.get("spark.master", "local[*]")!, sparkfnVersion: SPARKFN_VERSION });
  }

  private readonly tracker = new StatusTracker();
  private readonly listeners: EventListener[] = [this.tracker];
  private readonly eventLog: EventLog | undefined;

  /** The application's SparkContext (`sc`): id, status tracker, log level, RDDs, broadcasts, accumulators. */
  get sparkContext(): SparkContext {
    return new SparkContext({
      appId: this.appId,
      defaultParallelism: this.defaultParallelism,
      master: this.conf.get("spark.master", "local[*]")!,
      tracker: this.tracker,
      executorMemoryMiB: () => this.backend.executorMemoryMiB(),
      rdd: (plan) => new RDD(plan, this),
      broadcast: (value) => this.newBroadcast(value),
      accumulator: (kind, initial) => this.newAccumulator(kind, initial),
      addModule: async (specifier) => {
        this.assertRunning();
        const shipped = await bundleModule(specifier, process.cwd(), this.backend.store, this.backend.scratch);
        this.modules.set(shipped.toHandle().sha256, shipped);
        return shipped;
      },
    });
  }

  // ---- broadcast variables, accumulators, UDFs ----

  private readonly broadcasts = new Map<number, Broadcast<unknown>>();
  /** Broadcast values still being stored: every job waits for them before it runs. */
  private readonly broadcastUploads = new Set<Promise<void>>();
  private readonly accumulators = new Map<number, Accumulator<unknown>>();
  /** Bundled packages (sc.addModule) by hash, and their exports once the driver needed them. */
  private readonly modules = new Map<string, ShippedModule>();
  private readonly moduleExports = new Map<string, unknown>();

  private newBroadcast<T>(value: T): Broadcast<T> {
    this.assertRunning();
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError("sc.broadcast(value): the value must be JSON-able (an object, array, string, number, boolean or null).");
    const id = this.broadcasts.size;
    const uri = broadcastUri(this.backend.scratch, id);
    const upload = this.backend.store.put(uri, json);
    // The next job reports a failed upload; until then it must not count as unhandled.
    upload.catch(() => undefined);
    this.broadcastUploads.add(upload);
    const b = new Broadcast<T>(id, uri, value, this.backend.store);
    this.broadcasts.set(id, b as Broadcast<unknown>);
    return b;
  }

  private newAccumulator<T>(kind: AccumulatorKind, initial: T): Accumulator<T> {
    const a = new Accumulator<T>(this.accumulators.size, kind, initial);
    this.accumulators.set(a.id, a as Accumulator<unknown>);
    return a;
  }

  /** Applies the accumulator additions of a stage's winning task attempts (one result per task). */
  private applyAccumulators(results: readonly TaskSuccess[]): void {
    for (const r of results) for (const update of r.accumulators ?? []) this.accumulators.get(update.id)?.apply(update);
  }

  /** User functions run on the driver (an RDD reduce's final merge) see broadcasts and accumulators as tasks do. */
  readonly driverFunctions: FunctionRuntime = {
    where: "the driver",
    broadcastValue: (h) => this.broadcasts.get(h.id)?.value,
    moduleExports: (h) => {
      if (!this.moduleExports.has(h.sha256)) this.moduleExports.set(h.sha256, evaluateModule(this.modules.get(h.sha256)!.code, h.specifier));
      return this.moduleExports.get(h.sha256);
    },
    accumulator: (h) => ({ add: (v) => this.accumulators.get(h.id)?.add(v as never) }),
  };

  /** `spark.udf.register(name, fn, returnType)`: named UDFs. */
  readonly udf = new UDFRegistration();

  /** Where this application's event log is written (spark.eventLog.enabled), if it is. */
  get eventLogUri(): string | undefined {
    return this.eventLog?.uri;
  }

  /** Task ends per running job, for its cost estimate. */
  private readonly jobTaskEnds = new Map<number, SparkfnEvent[]>();
  private memoryMiB: Promise<number> | undefined;

  /** What the job's attempts would cost on AWS: on the lambda master with the function's memory, else with the stack's default (2048 MiB). */
  private async jobCost(jobId: number): Promise<NonNullable<Extract<SparkfnEvent, { event: "JobEnd" }>["cost"]>> {
    const onAws = this.master.kind === "lambda" && !process.env.AWS_ENDPOINT_URL;
    const memoryMiB = this.master.kind === "lambda" ? await (this.memoryMiB ??= this.backend.executorMemoryMiB().catch(() => 2048)) : 2048;
    const cost = estimateCost(this.jobTaskEnds.get(jobId) ?? [], memoryMiB);
    this.jobTaskEnds.delete(jobId);
    this.lastJobCost = { ...cost, memoryMiB, onAws };
    return { invocations: cost.invocations, gbSeconds: cost.gbSeconds, s3Puts: cost.s3Puts, s3Gets: cost.s3Gets, totalUsd: cost.totalUsd, memoryMiB, onAws };
  }

  /** The cost estimate of the most recent job (also in its JobEnd event). */
  lastJobCost: (CostEstimate & { memoryMiB: number; onAws: boolean }) | undefined;

  /** Adds a listener for this application's events (Spark's addSparkListener). */
  addListener(listener: EventListener): void {
    this.listeners.push(listener);
  }

  private emit(body: EventBody): void {
    const event = { v: EVENT_LOG_VERSION, time: Date.now(), ...body } as SparkfnEvent;
    if (event.event === "TaskEnd") {
      const ends = this.jobTaskEnds.get(event.jobId) ?? [];
      ends.push(event);
      this.jobTaskEnds.set(event.jobId, ends);
    }
    for (const listener of this.listeners) listener.onEvent(event);
  }

  /**
   * Runs one job: records its start and end in the event log and lets stop() wait for it.
   * `run` gets the job's context (its id, scratch space and event hook).
   */
  private async job<T>(graph: StageGraph, description: string, run: (context: JobContext) => Promise<T>): Promise<T> {
    const context = this.jobContext();
    this.emit({ event: "JobStart", jobId: context.jobId, stageIds: graph.stages.map((s) => s.plan.stageId), description });
    try {
      const result = await this.tracked(run(context));
      this.emit({ event: "JobEnd", jobId: context.jobId, result: "succeeded", cost: await this.jobCost(context.jobId) });
      return result;
    } catch (error) {
      const cancelled = error instanceof JobCancelledError;
      this.emit({ event: "JobEnd", jobId: context.jobId, result: cancelled ? "cancelled" : "failed", error: error instanceof Error ? error.message : String(error), cost: await this.jobCost(context.jobId) });
      throw error;
    } finally {
      context.sealJob();
    }
  }

  /** A fresh reader each time, as in PySpark, so options never leak between reads. */
  get read(): DataFrameReader {
    return new DataFrameReader((plan) => new DataFrame(plan, this));
  }

  static builder(): Builder {
    return new Builder();
  }

  /** @internal used by Builder */
  static async create(conf: RuntimeConfig): Promise<SparkSession> {
    const master = parseMaster(conf.get("spark.master", "local[*]")!, availableParallelism());
    const appId = `${APP_ID_PREFIX}${new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14)}-${randomUUID().slice(0, 8)}`;
    let backend: Backend;
    if (master.kind === "local") {
      const scratch = await mkdtemp(path.join(tmpdir(), localScratchTemplate(appId)));
      const invoker = new LocalTaskInvoker(master.threads);
      backend = {
        invoker,
        store: new RoutingObjectStore(),
        scratch: `${scratch}/`,
        executorMemoryMiB: async () => Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
        close: async () => {
          await invoker.close();
          await rm(scratch, { recursive: true, force: true });
        },
      };
    } else {
      // The AWS SDK is loaded for the lambda master only: a local session never needs it in memory.
      const { connectLambda } = await import("./connect.ts");
      const connection = await connectLambda({
        ...(conf.get("sparkfn.stackName") ? { stackName: conf.get("sparkfn.stackName")! } : {}),
        maxConcurrency: conf.getInt("spark.dynamicAllocation.maxExecutors", 100),
        ...(conf.get("sparkfn.task.inlinePayloadMaxBytes") ? { inlinePayloadMaxBytes: parseSize(conf.get("sparkfn.task.inlinePayloadMaxBytes")!) } : {}),
        ...(conf.get("sparkfn.lambda.invokeTimeout") ? { invokeTimeoutMs: parseDuration(conf.get("sparkfn.lambda.invokeTimeout")!) } : {}),
      });
      const scratch = appScratchUri(connection.deployment.bucket, appId);
      backend = {
        invoker: connection.invoker,
        store: connection.store,
        scratch,
        executorMemoryMiB: () => connection.executorMemoryMiB(),
        close: async () => {
          // Delete the app's shuffle files now; the bucket's lifecycle rule catches crashes.
          const leftovers = await connection.store.list(scratch);
          if (leftovers.length) await connection.store.delete(leftovers.map((o) => o.uri));
          await connection.close();
        },
      };
    }
    return new SparkSession(conf, master, appId, backend);
  }

  /** Where this app's scratch objects (plans, shuffle output, large results) live until stop(). */
  get scratchUri(): string {
    return this.backend.scratch;
  }

  get defaultParallelism(): number {
    return this.conf.getInt("spark.default.parallelism", this.master.kind === "local" ? this.master.threads : 8);
  }

  get shufflePartitions(): number {
    return this.conf.getInt("spark.sql.shuffle.partitions", this.master.kind === "local" ? 2 * this.master.threads : 200);
  }

  /** Rows as objects (or arrays in schema order) and an optional schema (DDL string or Schema). */
  createDataFrame(rows: readonly (RowObject | RowValue[])[] | RDD<unknown>, schema?: Schema | string | string[]): DataFrame {
    if (rows instanceof RDD) {
      // Elements become rows: objects by column name, arrays by position.
      if (schema === undefined || Array.isArray(schema)) {
        throw new Error('createDataFrame(rdd, schema): give the schema of the rows, as a DDL string ("word STRING, n LONG") or a Schema; sparkfn does not sample an RDD to guess it.');
      }
      const resolvedSchema = typeof schema === "string" ? parseDdlSchema(schema) : schema;
      return new DataFrame({ kind: "mapPartitions", input: rows.plan, mode: "toRows", fn: null, zero: null, schema: resolvedSchema }, this);
    }
    let resolved: Schema;
    if (typeof schema === "string") resolved = parseDdlSchema(schema);
    else if (Array.isArray(schema)) resolved = inferSchema(rows, schema);
    else resolved = schema ?? inferSchema(rows);
    const arrays: Row[] = rows.map((r, i) => {
      if (Array.isArray(r)) {
        if (r.length !== resolved.fields.length) throw new Error(`createDataFrame: row ${i} has ${r.length} values, the schema has ${resolved.fields.length} columns.`);
        return r.map((v, c) => rowValueOf(resolved.fields[c]!.type, v));
      }
      return resolved.fields.map((f) => rowValueOf(f.type, (r as RowObject)[f.name] ?? null));
    });
    const decimals = resolved.fields.flatMap((f, c) => (holdsDecimal(f.type) ? [c] : []));
    if (decimals.length > 0) arrays.forEach((r, i) => decimals.forEach((c) => (r[c] = mapDecimals(r[c]!, resolved.fields[c]!.type, (v, t) => decimalValue(v as Value, resolved.fields[c]!, t, i)) as Value)));
    arrays.forEach((r, i) => {
      const bad = rowMismatch(resolved, r);
      if (bad) throw new Error(`createDataFrame: row ${i}: ${bad}. Convert the value, or declare the column's type to match.`);
    });
    // The plan carries a decimal as its text (JSON has no bigint); the executor reads it back.
    if (decimals.length > 0) arrays.forEach((r) => decimals.forEach((c) => (r[c] = planValue(r[c]!, resolved.fields[c]!.type) as Value)));
    const numPartitions = Math.max(1, Math.min(this.defaultParallelism, arrays.length || 1));
    return new DataFrame({ kind: "localRelation", schema: resolved, rows: arrays, numPartitions }, this);
  }

  /** Ids from start (inclusive) to end (exclusive), in a column `id`, like spark.range. */
  range(start: number, end?: number, step = 1, numPartitions?: number): DataFrame {
    const [from, to] = end === undefined ? [0, start] : [start, end];
    const problem = rangeProblem(from, to, step) ?? (numPartitions === undefined || (Number.isInteger(numPartitions) && numPartitions >= 1) ? undefined : `numPartitions must be a whole number of at least 1, got ${numPartitions}`);
    if (problem) throw new IllegalArgumentError(`range(${from}, ${to}, ${step}): ${problem}.`);
    return new DataFrame({ kind: "range", start: from, end: to, step, numPartitions: numPartitions ?? this.defaultParallelism }, this);
  }

  /**
   * A DataFrame from Spark SQL text over the temporary views: `spark.sql("SELECT category,
   * sum(amount) FROM tx GROUP BY category")`. The text becomes the same plan the DataFrame API
   * builds (driver/sql/); a syntax error is Spark's PARSE_SYNTAX_ERROR with a caret.
   */
  sql(text: string): DataFrame {
    const udfs = (name: string, args: readonly Expr[]) => this.udf.lookup(name)?.(...args.map((a) => new Column(a))).expr;
    const { query, subqueries } = parseQuery(text, udfs);
    return buildQuery(query, {
      subqueries,
      frame: (plan) => new DataFrame(plan, this),
      table: (name) => new DataFrame(this.catalog.lookup(name), this),
      oneRow: () => new DataFrame({ kind: "localRelation", schema: { fields: [] }, rows: [[]], numPartitions: 1 }, this),
    });
  }

  /** A temporary view as a DataFrame (spark.table("tx")). */
  table(name: string): DataFrame {
    return new DataFrame(this.catalog.lookup(name), this);
  }

  // ---- QueryExecution ----

  /** spark.sql.ansi.enabled (default true, as Spark 4): casts fail on values they cannot convert, and coercion follows ANSI rules. */
  get ansiEnabled(): boolean {
    const value = (this.conf.get("spark.sql.ansi.enabled") ?? "true").trim().toLowerCase();
    if (value !== "true" && value !== "false") throw new IllegalArgumentError(`spark.sql.ansi.enabled must be true or false, got "${value}".`);
    return value === "true";
  }

  /** spark.sql.mapKeyDedupPolicy: EXCEPTION (default, as Spark) or LAST_WIN. */
  get mapKeyLastWin(): boolean {
    const value = (this.conf.get("spark.sql.mapKeyDedupPolicy") ?? "EXCEPTION").trim().toUpperCase();
    if (value !== "EXCEPTION" && value !== "LAST_WIN") throw new IllegalArgumentError(`spark.sql.mapKeyDedupPolicy must be EXCEPTION or LAST_WIN, got "${value}".`);
    return value === "LAST_WIN";
  }

  private async analyzed(plan: UnresolvedPlan): Promise<LogicalPlan> {
    this.assertRunning();
    if (this.broadcastUploads.size) {
      const uploads = [...this.broadcastUploads];
      this.broadcastUploads.clear();
      await Promise.all(uploads);
    }
    const analyzed = await analyze(plan, {
      resolveScan: (format, paths, options, schema) => this.resolveScan(format, paths, options, schema),
      cached: (cacheId) => this.cacheManager.get(cacheId),
      ansi: this.ansiEnabled,
      mapKeyLastWin: this.mapKeyLastWin,
      run: async (query) => (await this.execute(query)).rows,
    });
    return withUserNames(analyzed);
  }

  /** Marks cached subtrees, materializes those not stored yet, then analyzes. */
  private async prepared(plan: UnresolvedPlan, markRoot = true): Promise<LogicalPlan> {
    const marked = markRoot ? this.cacheManager.mark(plan) : this.cacheManager.markBelow(plan);
    for (const { cacheId, input } of this.cacheManager.pending(marked)) await this.materialize(cacheId, input);
    return this.analyzed(marked);
  }

  /** Runs a cached subtree once, its result partitions written one-to-one to the cache space. */
  private async materialize(cacheId: number, input: UnresolvedPlan): Promise<void> {
    const graph = planStages(optimize(await this.prepared(input, false)), this.plannerOptions());
    const result = graph.stages.find((s) => s.plan.stageId === graph.resultStageId)!;
    const partitions = Math.max(result.numPartitions, 1);
    const stored: StageGraph = {
      ...graph,
      stages: graph.stages.map((s) =>
        s !== result ? s : { ...s, plan: { ...s.plan, sink: { kind: "shuffle", shuffleId: 0, partitioning: { kind: "offset", offset: 0, numPartitions: partitions } } } },
      ),
    };
    const outputs = await this.job(stored, `cache ${cacheId}`, (context) => runJobOutputs(stored, { ...context, scratch: cacheScratchUri(this.backend.scratch, cacheId) }));
    this.cacheManager.store({
      kind: "cachedRelation",
      cacheId,
      schema: graph.schema,
      partitions: blockLists(outputs, partitions),
    });
  }

  cachePlan(plan: UnresolvedPlan): void {
    this.assertRunning();
    this.cacheManager.register(plan);
  }

  async uncachePlan(plan: UnresolvedPlan): Promise<void> {
    const cacheId = this.cacheManager.unregister(plan);
    if (cacheId === undefined || this.stopped) return;
    const stored = await this.backend.store.list(cacheScratchUri(this.backend.scratch, cacheId));
    if (stored.length) await this.backend.store.delete(stored.map((o) => o.uri));
  }

  private async resolveScan(format: FileFormat, paths: readonly string[], options: Readonly<Record<string, string>>, schema: Schema | null) {
    if (this.master.kind === "lambda") {
      const local = paths.find((p) => !p.startsWith("s3://"));
      if (local) {
        throw new Error(
          `Input "${local}" is a local path, but master "lambda" runs tasks in AWS Lambda, which cannot see this machine's files. ` +
            `Upload it first (e.g. aws s3 cp ${local} s3://<bucket>/data/) and read the s3:// URI.`,
        );
      }
    }
    return resolveScan(this.backend.store, format, paths, options, schema, this.sessionTimeZone().id);
  }

  /** Task attempts this session has launched (monitoring). */
  tasksLaunched = 0;
  /** Aborted by stop(): running jobs launch no more tasks. */
  private readonly cancelled = new AbortController();
  /** Jobs running now, so stop() can wait for them before deleting their scratch data. */
  private readonly runningJobs = new Set<Promise<unknown>>();

  private async tracked<T>(job: Promise<T>): Promise<T> {
    this.runningJobs.add(job);
    try {
      return await job;
    } finally {
      this.runningJobs.delete(job);
    }
  }

  /** Result bytes this session's driver has received or fetched (monitoring, and the tests' measure). */
  resultBytesFetched = 0;
  /**
   * The most recent job's stages. While it runs, `tasks` are the scheduler's own result arrays
   * (it updates them when it recomputes lost output); when it ends, sealJob() keeps only each
   * winning attempt's partition, attempt and metrics, so no result rows outlive the job.
   */
  private lastJob: { stageId: number; tasks: readonly TaskRecord[] }[] = [];

  /**
   * Per stage (per round, for an incremental take) of the most recent job: tasks, and attempts
   * including the failed ones before each success and any recomputation of lost output.
   */
  get lastJobTasks(): { stageId: number; tasks: number; attempts: number }[] {
    return this.lastJob.map(({ stageId, tasks }) => ({ stageId, tasks: tasks.length, attempts: tasks.reduce((n, r) => n + r.attempt + 1, 0) }));
  }

  /** Per stage (per round, for an incremental take) of the most recent job: each winning task attempt's metrics. */
  get lastJobMetrics(): { stageId: number; tasks: { partition: number; attempt: number; metrics: TaskMetrics }[] }[] {
    return this.lastJob.map(({ stageId, tasks }) => ({ stageId, tasks: tasks.map(taskRecord) }));
  }

  /** The job is over: drop its results (rows, block lists), keep its metrics. */
  private sealJob(stages: { stageId: number; tasks: readonly TaskRecord[] }[]): void {
    for (const stage of stages) stage.tasks = stage.tasks.map(taskRecord);
  }

  /** spark.sql.session.timeZone (UTC unless set): an unknown zone is refused, naming it. */
  sessionTimeZone(): TimeZone {
    return timeZone(this.conf.get("spark.sql.session.timeZone", DEFAULT_TIME_ZONE)!);
  }

  private plannerOptions(): PlannerOptions {
    return {
      shufflePartitions: this.shufflePartitions,
      files: {
        maxPartitionBytes: parseSize(this.conf.get("spark.sql.files.maxPartitionBytes", "128m")!),
        openCostInBytes: parseSize(this.conf.get("spark.sql.files.openCostInBytes", "4m")!),
        minPartitions: this.defaultParallelism,
      },
      // -1 turns automatic broadcasts off, as in Spark.
      autoBroadcastJoinThreshold: ((v) => (v.trim() === "-1" ? -1 : parseSize(v)))(this.conf.get("spark.sql.autoBroadcastJoinThreshold", "10m")!),
      timeZone: this.sessionTimeZone().id,
    };
  }

  /** Spark's spark.sql.adaptive.* settings, with Spark's defaults. */
  private adaptiveOptions(): AdaptiveOptions {
    const flag = (key: string) => this.conf.get(key, "true") === "true";
    return {
      advisoryBytes: parseSize(this.conf.get("spark.sql.adaptive.advisoryPartitionSizeInBytes", "64m")!),
      coalesce: flag("spark.sql.adaptive.coalescePartitions.enabled"),
      skewJoin: flag("spark.sql.adaptive.skewJoin.enabled"),
      skewFactor: Number(this.conf.get("spark.sql.adaptive.skewJoin.skewedPartitionFactor", "5")),
      skewThresholdBytes: parseSize(this.conf.get("spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes", "256m")!),
    };
  }

  /** The two-level exchange's settings (sparkfn.shuffle.combine.*). */
  private combineOptions(): CombineOptions {
    const threshold = this.conf.getInt("sparkfn.shuffle.combine.threshold", DEFAULT_COMBINE.threshold);
    if (threshold < 0) throw new Error(`sparkfn.shuffle.combine.threshold is ${threshold}: use 0 (never combine) or a count of maps × reduce partitions`);
    return { threshold, groupBytes: parseSize(this.conf.get("sparkfn.shuffle.combine.groupBytes") ?? DEFAULT_COMBINE.groupBytes) };
  }

  /** A job's context, and `sealJob` to call when the job is over. */
  private jobContext(): JobContext & { sealJob(): void } {
    const stages: { stageId: number; tasks: readonly TaskRecord[] }[] = [];
    this.lastJob = stages;
    const jobId = this.nextJobId++;
    const timeout = this.conf.get("sparkfn.task.timeout");
    const memoryBudget = this.conf.get("sparkfn.executor.memoryBudget");
    const inlineIndex = this.conf.get("sparkfn.shuffle.inlineIndexMaxBytes");
    const shuffleCompress = (this.conf.get("spark.shuffle.compress") ?? (this.master.kind === "local" ? "false" : "true")).trim().toLowerCase() !== "false";
    const maxConcurrency = this.master.kind === "local" ? this.master.threads : this.conf.getInt("spark.dynamicAllocation.maxExecutors", 100);
    const maxFailures = this.conf.getInt("spark.task.maxFailures", 4);
    const faultFor = faultInjector(this.conf.get("sparkfn.test.faults"), maxFailures);
    return {
      // The scheduler keeps updating these arrays when it recomputes lost output.
      onStageCompleted: (stageId, results) => {
        stages.push({ stageId, tasks: results });
        this.applyAccumulators(results);
      },
      sealJob: () => this.sealJob(stages),
      ...(timeout ? { taskTimeoutMs: parseDuration(timeout) } : {}),
      ...(memoryBudget ? { memoryBudgetBytes: parseSize(memoryBudget) } : {}),
      shuffleCompress,
      ...(inlineIndex !== undefined ? { inlineIndexMaxBytes: parseSize(inlineIndex) } : {}),
      combine: this.combineOptions(),
      ...(faultFor ? { faultFor } : {}),
      appId: this.appId,
      store: this.backend.store,
      maxResultBytes: parseSize(this.conf.get("spark.driver.maxResultSize", "1g")!),
      resultInlineMaxBytes: parseSize(this.conf.get("sparkfn.result.inlineMaxBytes", "1m")!),
      onResultBytes: (bytes) => {
        this.resultBytesFetched += bytes;
      },
      jobId,
      logLevel: logLevel(),
      emit: (event) => this.emit(event),
      scratch: jobScratchUri(this.backend.scratch, jobId),
      // One bound for all the job's stages, which may run at the same time.
      invoker: new LimitedInvoker(this.backend.invoker, maxConcurrency),
      signal: this.cancelled.signal,
      onTaskLaunch: () => {
        this.tasksLaunched++;
      },
      maxConcurrency,
      maxFailures,
      ...(this.conf.get("spark.sql.adaptive.enabled", "true") === "true" ? { adaptive: this.adaptiveOptions() } : {}),
      ...(this.conf.get("spark.speculation", "false") === "true"
        ? {
            speculation: {
              multiplier: Number(this.conf.get("spark.speculation.multiplier", "1.5")),
              quantile: Number(this.conf.get("spark.speculation.quantile", "0")),
              cap: Number(this.conf.get("sparkfn.speculation.cap", "0.1")),
              hedgeBudget: Number(this.conf.get("sparkfn.speculation.hedgeBudget", String(DEFAULT_HEDGE_BUDGET))),
              minTaskRuntimeMs: parseDuration(this.conf.get("spark.speculation.minTaskRuntime", "100ms")!),
              intervalMs: parseDuration(this.conf.get("spark.speculation.interval", "100ms")!),
            },
          }
        : {}),
    };
  }

  private async graphOf(plan: UnresolvedPlan): Promise<StageGraph> {
    return planStages(optimize(await this.prepared(plan)), this.plannerOptions());
  }

  async execute(plan: UnresolvedPlan): Promise<{ schema: Schema; rows: Value[][] }> {
    const graph = await this.graphOf(plan);
    return { schema: userSchema(graph.schema), rows: await this.job(graph, "collect", (context) => runJob(graph, context)) };
  }

  async stream(plan: UnresolvedPlan): Promise<{ schema: Schema; partitions: AsyncIterable<Value[][]> }> {
    const graph = await this.graphOf(plan);
    return { schema: userSchema(graph.schema), partitions: this.streamed(graph) };
  }

  /** toLocalIterator's job: started and ended in the event log around the partitions it yields. */
  private async *streamed(graph: StageGraph): AsyncGenerator<Value[][]> {
    const context = this.jobContext();
    this.emit({ event: "JobStart", jobId: context.jobId, stageIds: graph.stages.map((s) => s.plan.stageId), description: "toLocalIterator" });
    let result: "succeeded" | "failed" = "failed";
    let message: string | undefined;
    try {
      yield* streamJob(graph, context);
      result = "succeeded";
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      context.sealJob();
      this.emit({ event: "JobEnd", jobId: context.jobId, result, ...(message ? { error: message } : {}), cost: await this.jobCost(context.jobId) });
    }
  }

  /**
   * df.write: runs the plan with a file sink into a temporary folder, then commits
   * (driver/sinks/commit.ts). stop() waits for all of it, the commit or the cleanup included.
   */
  write(plan: UnresolvedPlan, spec: WriteSpec): Promise<void> {
    return this.tracked(this.writeNow(plan, spec));
  }

  private async writeNow(plan: UnresolvedPlan, spec: WriteSpec): Promise<void> {
    this.assertRunning();
    // Refused before anything runs: a bucket root, reserved prefixes, the write's own inputs.
    checkOutputLocation(spec.path, inputLocations(plan));
    if (this.master.kind === "lambda" && !isS3Uri(spec.path)) {
      throw new Error(`Output "${spec.path}" is a local path, but master "lambda" runs tasks in AWS Lambda, which cannot write this machine's files. Write to an s3:// URI.`);
    }
    const store = this.backend.store;
    const existing = await existingData(store, spec.path);
    const exists = existing.manifest !== undefined || existing.dataFiles.length > 0;
    if (exists && spec.mode === "errorifexists") {
      throw new Error(`Path ${spec.path} already exists. Use mode("overwrite") to replace it, mode("append") to add to it, or mode("ignore") to leave it.`);
    }
    if (exists && spec.mode === "ignore") return;
    const prepared = await this.prepared(plan);
    refuseSharedNames(schemaOf(prepared), spec.format);
    refuseUnwritableTypes(schemaOf(prepared), spec.format);
    const graph = planStages(optimize(prepared), { ...this.plannerOptions(), incrementalLimit: false });
    const token = `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
    const sink = { kind: "write" as const, format: spec.format, dir: temporaryDir(spec.path, token), header: spec.header, partitionBy: [...spec.partitionBy] };
    const stored: StageGraph = { ...graph, stages: graph.stages.map((s) => (s.plan.stageId !== graph.resultStageId ? s : { ...s, plan: { ...s.plan, sink } })) };
    try {
      const outputs = await this.job(stored, `write ${spec.format} ${spec.path}`, (context) => runJobOutputs(stored, context));
      await commitWrite(store, { path: spec.path, format: spec.format, append: spec.mode === "append" }, token, outputs);
    } catch (error) {
      await abortWrite(store, spec.path, token).catch(() => undefined);
      throw error;
    }
  }

  async schemaOf(plan: UnresolvedPlan): Promise<Schema> {
    return userSchema(schemaOf(await this.analyzed(plan)));
  }

  async explain(plan: UnresolvedPlan): Promise<string> {
    const analyzed = await this.analyzed(this.cacheManager.mark(plan));
    const optimized = optimize(analyzed);
    const graph = planStages(optimized, this.plannerOptions());
    return readableNames([
      "== Analyzed Logical Plan ==",
      explainLogical(analyzed),
      "",
      "== Optimized Logical Plan ==",
      explainLogical(optimized),
      "",
      "== Physical Plan ==",
      explainStages(graph),
    ].join("\n"));
  }

  async numPartitions(plan: UnresolvedPlan): Promise<number> {
    const graph = await this.graphOf(plan);
    return graph.stages[graph.stages.length - 1]!.numPartitions;
  }

  private assertRunning(): void {
    if (this.stopped) throw new Error("This SparkSession was stopped; create a new one with SparkSession.builder().getOrCreate().");
  }

  /** Stops the workers or clients and deletes the app's scratch (shuffle) data. */
  /**
   * Stops the session: running jobs launch no more tasks and fail with JobCancelledError,
   * tasks already running are abandoned on lambda (their invocations aborted, so a hung call
   * cannot hold stop()) and finish on local[N], then the app's scratch data
   * (shuffle output, stored plans and results) is deleted and the executors released.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (active === this) active = undefined;
    openSessions.delete(this);
    this.cancelled.abort();
    // Invocations in flight are abandoned, not awaited: a hung call must not hold stop() or Ctrl-C.
    this.backend.invoker.abortAll?.("the SparkSession was stopped");
    await Promise.allSettled([...this.runningJobs]);
    this.emit({ event: "ApplicationEnd", appId: this.appId });
    if (this.eventLog) {
      await this.eventLog.close();
      console.error(`sparkfn: event log written to ${this.eventLog.uri}`);
    }
    await this.backend.close();
  }
}

/** What the session keeps of a task attempt once its job is over: no output, no rows. */
type TaskRecord = Pick<TaskSuccess, "partition" | "attempt" | "metrics">;
const taskRecord = ({ partition, attempt, metrics }: TaskRecord): TaskRecord => ({ partition, attempt, metrics });

/**
 * A decimal column's value as given (text such as "12.30", a number, or a bigint that is the
 * unscaled value) as its unscaled bigint, HALF_UP to the column's scale; an error naming the
 * row and field when it is not a number or has too many digits.
 */
function decimalValue(v: Value, field: Field, type: DataType, row: number): Value {
  if (v === null || typeof v === "bigint") return v;
  const d = castLoose(type)(typeof v === "number" || typeof v === "string" ? v : null);
  if (d === null) {
    const where = type === field.type ? `field "${field.name}" (${type})` : `a ${type} in field "${field.name}" (${field.type})`;
    throw new Error(`createDataFrame: row ${row}: ${where} cannot hold ${JSON.stringify(v)}: give its value as text ("12.30") or a number with at most ${type.slice(8, -1).split(",")[0]} digits.`);
  }
  return d;
}

/** A value as rows carry it: a Date becomes a timestamp's microseconds (an invalid Date stays, to be refused by name). */
function inferSchema(rows: readonly (RowObject | RowValue[])[], names?: string[]): Schema {
  const first = rows[0];
  const columnNames = names ?? (first && !Array.isArray(first) ? Object.keys(first) : (first ?? []).map((_, i) => `_${i + 1}`));
  return {
    fields: columnNames.map((name, i) => {
      const values = rows.map((r) => (Array.isArray(r) ? r[i] : (r as RowObject)[name]) ?? null);
      return { name, type: inferValueType(values, `column "${name}"`), nullable: true };
    }),
  };
}

export class Builder {
  private readonly settings = new Map<string, string>(launchDefaults);

  appName(name: string): this {
    this.settings.set("spark.app.name", name);
    return this;
  }

  master(master: string): this {
    this.settings.set("spark.master", master);
    return this;
  }

  config(key: string, value: string | number | boolean): this {
    this.settings.set(key, String(value));
    return this;
  }

  /** The running session, or a new one with this builder's settings. */
  async getOrCreate(): Promise<SparkSession> {
    if (active) {
      for (const [k, v] of this.settings) if (k !== "spark.master") active.conf.set(k, v);
      return active;
    }
    active = await SparkSession.create(new RuntimeConfig(this.settings));
    return active;
  }
}
