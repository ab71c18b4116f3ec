/**
 * 3. Driver at scale, simulated: the real driver — analyzer, optimizer, physical planner,
 * DAG scheduler (driver/scheduler/dag-scheduler.ts), task runner with retries and
 * speculation (run-tasks.ts), the session's LimitedInvoker — runs the seed job
 * (filter → groupBy → sum over `maps` CSV files of 128 MiB, `reducers` reduce partitions)
 * against an in-process simulated invoker instead of Lambda.
 *
 * The simulated invoker does the driver's share of a real invocation (JSON-encodes the task
 * payload, JSON-parses and schema-validates the answer, as LambdaTaskInvoker does) and in
 * between sleeps for a sampled task duration: uniform in [minMs, maxMs], and for a `tail`
 * share of attempts `tailMin`–`tailMax` times longer (stragglers). A speculative copy draws
 * its own duration, as a fresh container would. An abandoned attempt (the other copy won)
 * stops sleeping at once. Map tasks answer with a shuffle output of `reducers` blocks (a
 * packed index, as executors report it), by default all non-empty (every map writes to
 * every reducer: the heaviest metadata case), each block large enough that adaptive
 * execution keeps every reduce partition (`fanout` and `blockBytes` model sparser shuffles,
 * such as the seed job's 12 groups; a small `blockBytes` makes adaptive execution coalesce).
 *
 * Time is scaled down (`scale`, default 50: a 50–200 ms simulated task stands for 2.5–10 s),
 * and so are the speculation timings (Spark's defaults, 100 ms interval and minimum
 * runtime, divided by `scale`).
 *
 * Measured: makespan / ideal, ideal = Σ task durations (first attempts) / concurrency;
 * driver CPU (process.cpuUsage) minus the CPU of the same sleeps run by a bare pool with no
 * driver (timers alone), per task; and the S3 requests the shuffle would issue, counted from
 * the tasks the scheduler actually built (see `requests` in the results).
 *
 * Knobs (--set driver-scale.<key>=<value>): maps (9800; 1960 with --quick), reducers (200; 40),
 * concurrency (1000; 200),
 * minMs (50; 25), maxMs (200; 100), tail (0.05), tailMin (5), tailMax (10), scale (50; 100),
 * fanout (non-empty blocks per map output; all), blockBytes (size of each; 64 MiB / maps),
 * quantile (0), hedgeBudget (0.05, the session's default).
 */
import { DataFrame, type QueryExecution } from "../driver/api/dataframe.ts";
import { DataFrameReader } from "../driver/api/reader.ts";
import { col, sum } from "../driver/api/functions.ts";
import { LimitedInvoker } from "../driver/invoker/limited-invoker.ts";
import type { TaskInvoker } from "../driver/invoker/task-invoker.ts";
import { analyze } from "../driver/planner/analyzer.ts";
import { optimize } from "../driver/planner/optimizer/index.ts";
import { planStages, type StageGraph } from "../driver/planner/physical-planner.ts";
import { runJobOutputs, type JobContext } from "../driver/scheduler/dag-scheduler.ts";
import type { EventBody } from "../driver/monitoring/events.ts";
import { seededRandom } from "../shared/random.ts";
import { combinedObjectUri, shuffleObjectUri } from "../shared/storage/keys.ts";
import { emptyCounts, type ObjectInfo, type ObjectStore } from "../shared/storage/object-store.ts";
import { describeIssues, emptyTaskMetrics, TASK_PROTOCOL_VERSION, TaskResult, type StageTask } from "../shared/task.ts";
import { packMapIndex } from "../shared/shuffle-index.ts";
import { DEFAULT_COMBINE } from "../driver/scheduler/combine.ts";
import { DEFAULT_HEDGE_BUDGET } from "../driver/scheduler/run-tasks.ts";
import type { MapSlices, PartitionInput } from "../shared/plan/physical.ts";
import { collectGarbage, type BenchContext, type Benchmark } from "./harness.mts";
import { TRANSACTIONS_SCHEMA } from "./data.mts";

const MiB = 2 ** 20;

/**
 * What the driver writes (stage plans, map-output tables, slice files), standing in for S3.
 * Objects over 64 KiB (map-output tables, slice files, combiners' indexes) are kept as their
 * size only: their bytes would live in S3, not in the driver, and nothing here reads them back.
 */
class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  readonly sizes = new Map<string, number>();
  readonly counts = emptyCounts();
  bytesPut = 0;
  async get(uri: string): Promise<Uint8Array> {
    this.counts.get++;
    const o = this.objects.get(uri);
    if (!o) throw new Error(`no object ${uri}${this.sizes.has(uri) ? " (kept as its size only)" : ""}`);
    return o;
  }
  async put(uri: string, body: Uint8Array | string): Promise<void> {
    this.counts.put++;
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
    this.bytesPut += bytes.byteLength;
    this.sizes.set(uri, bytes.byteLength);
    if (bytes.byteLength <= 64 * 1024) this.objects.set(uri, bytes);
  }
  async copy(from: string, to: string): Promise<void> {
    this.objects.set(to, await this.get(from));
  }
  async list(prefix: string): Promise<ObjectInfo[]> {
    return [...this.sizes].filter(([k]) => k.startsWith(prefix)).map(([uri, size]) => ({ uri, size }));
  }
  async head(uri: string): Promise<ObjectInfo | undefined> {
    const size = this.sizes.get(uri);
    return size === undefined ? undefined : { uri, size };
  }
  async delete(uris: readonly string[]): Promise<void> {
    for (const u of uris) {
      this.objects.delete(u);
      this.sizes.delete(u);
    }
  }
}

interface Shape {
  maps: number;
  reducers: number;
  concurrency: number;
  minMs: number;
  maxMs: number;
  tail: number;
  tailMin: number;
  tailMax: number;
  scale: number;
  /** Non-empty reduce partitions per map output (default: all). */
  fanout: number;
  /** Bytes of each non-empty block (default: enough that adaptive execution merges no partitions). */
  blockBytes: number;
  /** spark.speculation.quantile (sparkfn's default 0: the duration estimate decides; Spark's is 0.75). */
  quantile: number;
  /** sparkfn.speculation.hedgeBudget (the session's default, 0.05: the 200 reducers start as three attempts each; 0: no hedging). */
  hedgeBudget: number;
  /** sparkfn.shuffle.combine.threshold (the session's default; 0: never combine). */
  combineThreshold: number;
  /** sparkfn.shuffle.combine.groupBytes (the session's default). */
  combineGroupBytes: number;
}

/** A task attempt's duration in ms: deterministic per (seed, stage, partition, attempt). */
function durationOf(shape: Shape, seed: number, stageId: number, partition: number, attempt: number): number {
  const random = seededRandom((seed * 1_000_003) ^ (stageId * 7_919_993) ^ (partition * 31 + attempt * 1_000_000_007));
  random();
  const base = shape.minMs + random() * (shape.maxMs - shape.minMs);
  return random() < shape.tail ? base * (shape.tailMin + random() * (shape.tailMax - shape.tailMin)) : base;
}

const METRICS = emptyTaskMetrics();

/** The stage key of combiners' durations (durationOf): apart from every real stage's. */
const COMBINER_STAGE = 1_000;

interface Counters {
  attempts: number;
  /** Combiner attempts launched (each reads its maps' objects whole, one GET each, and writes one object). */
  combinerAttempts: number;
  /** GETs of the combiners that finished first (one per map object of their group). */
  combinerGets: number;
  /** Combined objects written (first finishers). */
  combinerPuts: number;
  /** Map task attempts launched: each writes its object when it ends, even one the driver abandoned (an invocation cannot be cancelled). */
  mapAttempts: number;
  /** Ranged GETs of every reducer attempt launched, abandoned ones too (an invocation cannot be cancelled: it reads its input all the same). */
  launchedReducerGets: number;
  /** The largest task payload of the reduce stage (Lambda takes at most 6 MB). */
  maxReducerPayloadBytes: number;
  /** Ranged GETs that payload asks for (block references, or map-object slices). */
  maxReducerBlocks: number;
  abandoned: number;
  /**
   * Σ drawn durations of every attempt launched, ms: what Lambda bills, as an abandoned
   * invocation runs on to its end (only the driver stops waiting for it).
   */
  billedMs: number;
  mapPuts: number;
  rangedGets: number;
  /** GETs of stored map-output tables (one per reducer and table; a warm container reads each once). */
  tableGets: number;
  payloadBytes: number;
  responseBytes: number;
}

const readsOf = (input: PartitionInput): readonly MapSlices[] =>
  input.kind === "mapSlices" ? input.reads : input.kind === "joinSlices" ? [...input.left, ...input.right] : [];

/** Ranged GETs a reducer's input asks for: one per block reference, or one per map-object slice. */
function rangesOf(input: PartitionInput): number {
  if (input.kind === "shuffle") return input.blocks.length;
  if (input.kind === "join") return input.left.length + input.right.length;
  if (input.kind === "combine") return input.count;
  return readsOf(input).reduce((n, r) => n + r.slices, 0);
}

/** Stored map-output tables and slice-file ranges a reducer's input names (each one GET). */
const tablesOf = (input: PartitionInput): number =>
  input.kind === "combine" ? (input.objects.kind === "stored" ? 1 : 0) + (typeof input.index === "string" ? 0 : 1) : readsOf(input).reduce((n, r) => n + (r.objects.kind === "stored" ? 1 : 0) + (typeof r.index === "string" ? 0 : 1), 0);

/**
 * The simulated executor function. Answers are built as text by cheap concatenation of
 * precomputed pieces (an executor's cost, not the driver's); the driver-side work mirrors
 * LambdaTaskInvoker: JSON.stringify + encode of the payload, JSON.parse + TaskResult
 * validation of the answer.
 */
class SimulatedInvoker implements TaskInvoker {
  readonly counters: Counters = { attempts: 0, combinerAttempts: 0, combinerGets: 0, combinerPuts: 0, mapAttempts: 0, launchedReducerGets: 0, maxReducerPayloadBytes: 0, maxReducerBlocks: 0, abandoned: 0, billedMs: 0, mapPuts: 0, rangedGets: 0, tableGets: 0, payloadBytes: 0, responseBytes: 0 };
  private readonly indexJson: string;
  private readonly metricsJson = JSON.stringify(METRICS);
  private readonly lengths: number[];
  private readonly rows: number[];

  constructor(
    private readonly shape: Shape,
    private readonly seed: number,
    private readonly mapStageId: number,
    blockBytes: number,
  ) {
    // Non-empty blocks: all of them, or `fanout` reducers spread evenly (the same for every map, as
    // the few groups of an aggregation hash to the same partitions in every map task).
    const nonEmpty = new Set(Array.from({ length: shape.fanout }, (_, j) => Math.floor((j * shape.reducers) / shape.fanout)));
    const lengths = Array.from({ length: shape.reducers }, (_, r) => (nonEmpty.has(r) ? blockBytes : 0));
    const rows = lengths.map((length) => (length ? Math.ceil(blockBytes / 20) : 0));
    this.indexJson = `"partitions":${shape.reducers},"index":${JSON.stringify(packMapIndex(lengths, rows))}`;
    this.lengths = lengths;
    this.rows = rows;
  }

  async invoke(task: StageTask, signal?: AbortSignal): Promise<TaskResult> {
    const payload = new TextEncoder().encode(JSON.stringify(task));
    this.counters.attempts++;
    this.counters.payloadBytes += payload.byteLength;
    const combiner = task.input.kind === "combine";
    if (combiner) this.counters.combinerAttempts++;
    else if (task.stageId === this.mapStageId) this.counters.mapAttempts++;
    else {
      const ranges = rangesOf(task.input);
      this.counters.launchedReducerGets += ranges;
      if (payload.byteLength > this.counters.maxReducerPayloadBytes) {
        this.counters.maxReducerPayloadBytes = payload.byteLength;
        this.counters.maxReducerBlocks = ranges;
      }
    }
    // A combiner draws its duration as any task does (its own, not its group's first map's).
    const ms = durationOf(this.shape, this.seed, combiner ? COMBINER_STAGE : task.stageId, task.partition, task.attempt);
    // An attempt abandoned before it started never ran.
    if (!signal?.aborted) this.counters.billedMs += ms;
    const abandoned = await new Promise<boolean>((resolve) => {
      if (signal?.aborted) return resolve(true);
      const timer = setTimeout(() => resolve(false), ms);
      signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve(true);
      }, { once: true });
    });
    const ids = { stageId: task.stageId, partition: task.partition, attempt: task.attempt };
    if (abandoned) {
      this.counters.abandoned++;
      return { status: "error", version: TASK_PROTOCOL_VERSION, ...ids, error: { type: "Internal", message: "task attempt abandoned", retryable: true } };
    }
    let text: string;
    const head = `{"status":"ok","version":${TASK_PROTOCOL_VERSION},"stageId":${task.stageId},"partition":${task.partition},"attempt":${task.attempt},"metrics":${this.metricsJson},"output":`;
    if (task.input.kind === "combine") {
      const n = task.input.count;
      this.counters.combinerGets += n;
      this.counters.combinerPuts++;
      const uri = combinedObjectUri(task.scratch, 0, task.stageId, task.partition, task.attempt);
      const index = packMapIndex(this.lengths.map((l) => l * n), this.rows.map((r) => r * n));
      text = `${head}{"kind":"shuffle","uri":${JSON.stringify(uri)},"partitions":${this.shape.reducers},"index":${JSON.stringify(index)}}}`;
    } else if (task.stageId === this.mapStageId) {
      this.counters.mapPuts++;
      const uri = shuffleObjectUri(task.scratch, 0, task.stageId, task.partition, task.attempt);
      text = `${head}{"kind":"shuffle","uri":${JSON.stringify(uri)},${this.indexJson}}}`;
    } else {
      this.counters.rangedGets += rangesOf(task.input);
      this.counters.tableGets += tablesOf(task.input);
      text = `${head}{"kind":"rows","rows":[["Books",1234.5]],"bytes":20}}`;
    }
    this.counters.responseBytes += text.length;
    // The driver's side of the answer, as in LambdaTaskInvoker.
    const parsed = TaskResult.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`simulated answer is invalid: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }

  async close(): Promise<void> {}
}

/** The seed job's plan over `maps` files of 128 MiB, planned by the real analyzer, optimizer and planner. */
async function seedGraph(shape: Shape): Promise<StageGraph> {
  const nothing = (): never => {
    throw new Error("the simulated driver plans only");
  };
  const session = { execute: nothing, stream: nothing, schemaOf: nothing, explain: nothing, numPartitions: nothing, cachePlan: nothing, uncachePlan: nothing, write: nothing } as unknown as QueryExecution;
  const reader = new DataFrameReader((plan) => new DataFrame(plan, session));
  const df = reader.option("header", "true").csv("s3://bench-bucket/data/transactions/").filter(col("amount").gt(1000)).groupBy("category").agg(sum("amount").alias("total"));
  const files = Array.from({ length: shape.maps }, (_, i) => ({ uri: `s3://bench-bucket/data/transactions/part-${String(i).padStart(5, "0")}.csv`, size: 128 * MiB }));
  const analyzed = await analyze(df.plan, {
    resolveScan: async (format) => ({
      kind: "scan",
      source: { format, files, schema: TRANSACTIONS_SCHEMA, partitionColumns: [], options: { header: true, mode: "PERMISSIVE", corruptColumn: null }, multiLine: false },
      columns: null,
      pushedFilters: [],
    }),
    cached: () => undefined,
  });
  return planStages(optimize(analyzed), {
    shufflePartitions: shape.reducers,
    files: { maxPartitionBytes: 128 * MiB, openCostInBytes: 4 * MiB, minPartitions: shape.concurrency },
    autoBroadcastJoinThreshold: 10 * MiB,
  });
}

interface RunOutcome {
  makespanMs: number;
  idealMs: number;
  /** Lower bound with stage barriers: per stage, max(Σ durations / concurrency, longest task). */
  barrierBoundMs: number;
  cpuMs: number;
  tasks: number;
  counters: Counters;
  storePuts: number;
  /** Combiner tasks (0 when the shuffle was not combined). */
  combiners: number;
  /** Bytes the driver wrote (stage plans, map-output tables, slice files). */
  storeBytes: number;
  stages: number[];
  /** When each stage pass began and ended, ms from the job's start ("2 run", "2 combine", ...). */
  timeline: { pass: string; startMs: number; endMs: number }[];
  /**
   * Share of the job's time the driver's event loop was busy. The time scale shrinks tasks 50x
   * but not the driver's work per task: near 1, the driver itself delays launches and copies.
   */
  eventLoopBusy: number;
}

const ADVISORY = 64 * MiB;

async function simulate(shape: Shape, seed: number, speculation: boolean): Promise<RunOutcome> {
  // Each job starts from a clean heap, as a driver running one job would: the jobs before it
  // leave no garbage to collect during it, nor to add to the process's peak memory.
  collectGarbage();
  const graph = await seedGraph(shape);
  const mapStage = graph.stages.find((s) => s.plan.stageId !== graph.resultStageId)!;
  const blockBytes = shape.blockBytes > 0 ? shape.blockBytes : Math.ceil(ADVISORY / shape.maps) + 1;
  const simulated = new SimulatedInvoker(shape, seed, mapStage.plan.stageId, blockBytes);
  const store = new MemoryStore();
  const taskEnds: EventBody[] = [];
  const stageTasks = new Map<number, number>();
  const combiners = new Map<number, number>();
  const timeline: RunOutcome["timeline"] = [];
  let t0 = 0;
  const context: JobContext = {
    appId: "bench-driver",
    jobId: 0,
    store,
    maxResultBytes: 2 ** 30,
    resultInlineMaxBytes: MiB,
    scratch: "s3://bench-bucket/apps/bench-driver/jobs/0/",
    invoker: new LimitedInvoker(simulated, shape.concurrency),
    maxConcurrency: shape.concurrency,
    maxFailures: 4,
    // As the session does: keep every TaskEnd event (the job's cost estimate reads them).
    emit: (event) => {
      const stamped = { time: Date.now(), ...event };
      if (stamped.event === "TaskEnd") taskEnds.push(stamped);
      else if (stamped.event === "StageSubmitted") timeline.push({ pass: `${stamped.stageId} ${stamped.pass}`, startMs: performance.now() - t0, endMs: NaN });
      else if (stamped.event === "StageCompleted") {
        const open = timeline.findLast((t) => t.pass === `${stamped.stageId} ${stamped.pass}` && Number.isNaN(t.endMs));
        if (open) open.endMs = performance.now() - t0;
      }
    },
    // A combined stage reports twice: its maps, then its combiners.
    onStageCompleted: (stageId, results) => (stageTasks.has(stageId) ? combiners.set(stageId, results.length) : stageTasks.set(stageId, results.length)),
    ...(shape.combineThreshold > 0 ? { combine: { threshold: shape.combineThreshold, groupBytes: shape.combineGroupBytes } } : {}),
    adaptive: { advisoryBytes: ADVISORY, coalesce: true, skewJoin: true, skewFactor: 5, skewThresholdBytes: 256 * MiB },
    ...(speculation
      ? { speculation: { multiplier: 1.5, quantile: shape.quantile, cap: 0.1, minTaskRuntimeMs: 100 / shape.scale, intervalMs: Math.max(1, 100 / shape.scale), hedgeBudget: shape.hedgeBudget } }
      : {}),
  };
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  t0 = performance.now();
  await runJobOutputs(graph, context);
  const makespanMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const busy = performance.eventLoopUtilization(elu0).utilization;
  const stages = graph.stages.map((s) => stageTasks.get(s.plan.stageId) ?? 0);
  let idealWork = 0;
  let barrierBoundMs = 0;
  graph.stages.forEach((s, i) => {
    let work = 0;
    let longest = 0;
    for (let p = 0; p < stages[i]!; p++) {
      const d = durationOf(shape, seed, s.plan.stageId, p, 0);
      work += d;
      longest = Math.max(longest, d);
    }
    idealWork += work;
    barrierBoundMs += Math.max(work / shape.concurrency, longest);
    // Its combiners, a wave of their own between the maps and the reducers.
    const groups = combiners.get(s.plan.stageId) ?? 0;
    if (groups > 0) {
      let combineWork = 0;
      let combineLongest = 0;
      for (let g = 0; g < groups; g++) {
        const d = durationOf(shape, seed, COMBINER_STAGE, g, 0);
        combineWork += d;
        combineLongest = Math.max(combineLongest, d);
      }
      idealWork += combineWork;
      barrierBoundMs += Math.max(combineWork / shape.concurrency, combineLongest);
    }
  });
  return {
    makespanMs,
    idealMs: idealWork / shape.concurrency,
    barrierBoundMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    tasks: stages.reduce((a, b) => a + b, 0) + [...combiners.values()].reduce((a, b) => a + b, 0),
    combiners: [...combiners.values()].reduce((a, b) => a + b, 0),
    counters: simulated.counters,
    storePuts: store.counts.put,
    storeBytes: store.bytesPut,
    stages,
    timeline,
    eventLoopBusy: busy,
  };
}

/** The same sleeps (first attempts, same concurrency) run by a bare pool: the CPU of timers alone. */
async function baselineCpuMs(shape: Shape, seed: number, stages: readonly { stageId: number; tasks: number }[]): Promise<number> {
  const cpu0 = process.cpuUsage();
  for (const { stageId, tasks } of stages) {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(shape.concurrency, tasks) }, async () => {
        while (next < tasks) {
          const p = next++;
          await new Promise((resolve) => setTimeout(resolve, durationOf(shape, seed, stageId, p, 0)));
        }
      }),
    );
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1000;
}

/** S3 Standard request prices (us-east-1): PUT, COPY, POST, LIST per request; GET per request. */
const PUT_USD = 0.005e-3;
const GET_USD = 0.0004e-3;

/**
 * The shuffle's S3 requests of one run, first attempts only: one PUT per map task (all reduce
 * partitions in one object; the index travels in the task's answer), per combiner its maps'
 * objects read whole (one GET each) and one PUT, one ranged GET per object a reducer reads (all
 * of its adjacent reduce partitions there; counted from the reducers' task inputs), one GET of
 * each stored map-output table and slice-file range a task names, the driver's PUTs (stage
 * plans, map-output tables, slice files), and at the end (spark.stop) ListObjectsV2 pages of
 * 1,000 and DeleteObjects batches of 1,000 over the shuffle objects (LIST priced as a PUT, DELETE free).
 */
function shuffleRequests(run: RunOutcome) {
  const c = run.counters;
  const objects = c.mapPuts + c.combinerPuts;
  const cleanup = Math.ceil(objects / 1000);
  // ListObjectsV2 is priced as a PUT; DeleteObjects is free.
  const puts = objects + run.storePuts + cleanup;
  const gets = c.combinerGets + c.rangedGets + c.tableGets;
  return {
    mapTasks: run.stages[0]!,
    combiners: run.combiners,
    shufflePuts: objects,
    combinerGets: c.combinerGets,
    rangedGets: c.rangedGets,
    maxRangedGetsPerReducer: c.maxReducerBlocks,
    tableGets: c.tableGets,
    driverPuts: run.storePuts,
    driverBytesPut: run.storeBytes,
    cleanupLists: cleanup,
    cleanupDeletes: cleanup,
    puts,
    gets,
    usdAtS3StandardPrices: Number((puts * PUT_USD + gets * GET_USD).toFixed(3)),
  };
}

export const driverScale: Benchmark = {
  name: "driver-scale",
  title: "Driver at scale, simulated invoker",
  ratios: [
    { name: "driver_cpu_ms_per_task", target: "<= 0.5" },
    { name: "makespan_vs_ideal" },
    { name: "makespan_vs_ideal_speculation", target: "<= 1.2" },
    { name: "makespan_vs_ideal_speculation_not_combined", target: "<= 1.2" },
    { name: "s3_request_cost_not_combined_vs_combined", target: ">= 10" },
  ],
  async run(ctx: BenchContext) {
    // Full: 10,000 tasks = 9,800 map tasks + 200 reducers (spark.sql.shuffle.partitions'
    // default, on Spark and on sparkfn's lambda master), 1,000 at a time. --quick: the same
    // shape at one fifth (1,960 + 40 tasks, 200 at a time): the same waves per stage, but
    // 25x less shuffle metadata (maps x reducers), so it under-states the driver's CPU; and
    // time runs twice as fast (tasks of 25-100 ms, time scale 100).
    const fifth = ctx.options.quick ? 5 : 1;
    const half = ctx.options.quick ? 2 : 1;
    const shape: Shape = {
      maps: ctx.setting("maps", 9800 / fifth),
      reducers: ctx.setting("reducers", 200 / fifth),
      concurrency: ctx.setting("concurrency", 1000 / fifth),
      minMs: ctx.setting("minMs", 50 / half),
      maxMs: ctx.setting("maxMs", 200 / half),
      tail: ctx.setting("tail", 0.05),
      tailMin: ctx.setting("tailMin", 5),
      tailMax: ctx.setting("tailMax", 10),
      scale: ctx.setting("scale", 50 * half),
      fanout: 0,
      blockBytes: ctx.setting("blockBytes", 0),
      quantile: ctx.setting("quantile", 0),
      hedgeBudget: ctx.setting("hedgeBudget", DEFAULT_HEDGE_BUDGET),
      combineThreshold: ctx.setting("combineThreshold", DEFAULT_COMBINE.threshold),
      combineGroupBytes: ctx.setting("combineGroupBytes", DEFAULT_COMBINE.groupBytes),
    };
    shape.fanout = Math.min(shape.reducers, ctx.setting("fanout", shape.reducers));
    ctx.info("shape", shape);
    ctx.info(
      "size",
      `${(shape.maps + shape.reducers).toLocaleString("en-US")} tasks (${shape.maps.toLocaleString("en-US")} maps + ${shape.reducers} reducers, every map writing to every reducer), ` +
        `${shape.concurrency} at a time, tasks ${shape.minMs}-${shape.maxMs} ms with ${shape.tail * 100}% ${shape.tailMin}-${shape.tailMax}x stragglers (time scaled 1/${shape.scale})`,
    );
    const graph = await seedGraph(shape);
    ctx.info("stages", graph.stages.map((s) => ({ stageId: s.plan.stageId, partitions: s.numPartitions })));

    let seed = 0;
    let base: number | undefined;
    const off: RunOutcome[] = [];
    const on: RunOutcome[] = [];
    // The same runs with the shuffle read as the maps wrote it (sparkfn.shuffle.combine.threshold=0), when the default combines it.
    const plainOff: RunOutcome[] = [];
    const plainOn: RunOutcome[] = [];
    const cpuPerTask: number[] = [];
    const runs = ctx.options.runs;
    const total = ctx.options.warmup + runs;
    const plain: Shape = { ...shape, combineThreshold: 0 };
    for (let i = 0; i < total; i++) {
      seed++;
      // Speculation off and on with the same durations, one after the other.
      const a = await simulate(shape, seed, false);
      // Warm-up runs (speculation off) warm the code both variants share.
      const b = i < ctx.options.warmup ? undefined : await simulate(shape, seed, true);
      const combined = a.combiners > 0;
      const c = b && combined ? await simulate(plain, seed, false) : undefined;
      const d = b && combined ? await simulate(plain, seed, true) : undefined;
      // The timers' own CPU, measured once (about 1-2% of the driver's).
      base ??= await baselineCpuMs(shape, seed, graph.stages.map((s, k) => ({ stageId: s.plan.stageId, tasks: a.stages[k]! })));
      const uncombined = c && d ? `; not combined: ${c.makespanMs.toFixed(0)} ms (speculation ${d.makespanMs.toFixed(0)} ms), ideal ${c.idealMs.toFixed(0)} ms` : "";
      ctx.log(
        `run ${i + 1}/${total}${b ? "" : " (warm-up)"}: ${a.tasks} tasks${combined ? ` (${a.combiners} combiners)` : ""}, makespan ${a.makespanMs.toFixed(0)} ms${b ? ` (speculation ${b.makespanMs.toFixed(0)} ms)` : ""}, ideal ${a.idealMs.toFixed(0)} ms, driver CPU ${a.cpuMs.toFixed(0)} ms - timers ${base.toFixed(0)} ms${uncombined}`,
      );
      if (!b) continue;
      const phases = (o: RunOutcome) => o.timeline.map((t) => `${t.pass} ${t.startMs.toFixed(0)}-${t.endMs.toFixed(0)}`).join(", ");
      ctx.log(`  stages (ms from the job's start), speculation off: ${phases(a)}; on: ${phases(b)}${d ? `; not combined, on: ${phases(d)}` : ""}`);
      off.push(a);
      on.push(b);
      if (c && d) {
        plainOff.push(c);
        plainOn.push(d);
      }
      cpuPerTask.push(Math.max(0, a.cpuMs - base) / a.tasks);
    }
    const first = off[0]!;
    ctx.info("timersCpuMs", base);
    ctx.info("combiners", first.combiners);
    ctx.record("makespan, speculation off", "ms", off.map((o) => o.makespanMs));
    ctx.record("makespan, speculation on", "ms", on.map((o) => o.makespanMs));
    ctx.record("ideal (Σ task time / concurrency)", "ms", off.map((o) => o.idealMs));
    ctx.record("bound with stage barriers", "ms", off.map((o) => o.barrierBoundMs));
    const vsIdeal = ctx.record("makespan / ideal, speculation off", "ratio", off.map((o) => o.makespanMs / o.idealMs));
    const vsIdealSpec = ctx.record("makespan / ideal, speculation on", "ratio", on.map((o) => o.makespanMs / o.idealMs));
    const cpu = ctx.record("driver CPU per task (net of timers)", "ms", cpuPerTask);
    ctx.record("driver CPU per task, speculation on (gross)", "ms", on.map((o) => o.cpuMs / o.tasks));
    ctx.ratio("driver_cpu_ms_per_task", cpu.median, "<= 0.5");
    ctx.ratio("makespan_vs_ideal", vsIdeal.median);
    ctx.ratio("makespan_vs_ideal_speculation", vsIdealSpec.median, "<= 1.2", `${shape.tail * 100}% straggler tail${first.combiners > 0 ? `; with ${first.combiners} combiners` : ""}`);
    if (plainOn.length > 0) {
      ctx.record("makespan, not combined, speculation off", "ms", plainOff.map((o) => o.makespanMs));
      ctx.record("makespan, not combined, speculation on", "ms", plainOn.map((o) => o.makespanMs));
      const plainSpec = ctx.record("makespan / ideal, not combined, speculation on", "ratio", plainOn.map((o) => o.makespanMs / o.idealMs));
      ctx.ratio("makespan_vs_ideal_speculation_not_combined", plainSpec.median, "<= 1.2", "sparkfn.shuffle.combine.threshold=0: reducers read every map object");
    }
    ctx.info("tasks", first.tasks);
    // The process's peak resident memory so far (this benchmark alone with --only driver-scale).
    ctx.info("peakRssMB", Math.round(process.resourceUsage().maxRSS / 1024));
    ctx.info("speculativeAttempts", on.map((o) => o.counters.attempts - o.tasks));
    // Invocation time billed with speculation (every attempt runs to its end) over the first attempts' (the ideal's work).
    const billed = on.map((o) => o.counters.billedMs / (o.idealMs * shape.concurrency));
    ctx.info("billedVsFirstAttempts", billed);
    ctx.info("eventLoopBusySpeculation", on.map((o) => Number(o.eventLoopBusy.toFixed(2))));
    ctx.log(`speculation on: ${on.map((o) => o.counters.attempts - o.tasks).join(", ")} extra attempts; invocation time billed ${billed.map((b) => `${b.toFixed(2)}x`).join(", ")} the first attempts' (an abandoned invocation runs on); driver event loop busy ${on.map((o) => `${Math.round(o.eventLoopBusy * 100)}%`).join(", ")} of the job`);
    ctx.info("driverPayloadBytes", first.counters.payloadBytes);
    ctx.info("driverResponseBytes", first.counters.responseBytes);
    ctx.info("maxReducerPayloadBytes", first.counters.maxReducerPayloadBytes);
    ctx.info("maxReducerBlockRefs", first.counters.maxReducerBlocks);
    // A synchronous Lambda invocation takes a request of at most 6 MB.
    if (first.counters.maxReducerPayloadBytes > 6 * 2 ** 20) {
      ctx.log(`warning: a reduce task's payload is ${(first.counters.maxReducerPayloadBytes / 2 ** 20).toFixed(1)} MiB, over Lambda's 6 MB request limit`);
    }
    ctx.info("payloadBytesPerBlockRef", Math.round(first.counters.maxReducerPayloadBytes / Math.max(1, first.counters.maxReducerBlocks)));
    // S3 requests of the shuffle at this scale (speculation off; attempts add their own), as run and not combined.
    const requests = shuffleRequests(first);
    ctx.info("requests", requests);
    if (plainOff.length > 0) {
      const before = shuffleRequests(plainOff[0]!);
      ctx.info("requestsNotCombined", before);
      ctx.log(
        `S3 requests of the shuffle: ${before.gets.toLocaleString("en-US")} GETs and ${before.puts.toLocaleString("en-US")} PUTs ($${before.usdAtS3StandardPrices}) read as written; ` +
          `${requests.gets.toLocaleString("en-US")} GETs and ${requests.puts.toLocaleString("en-US")} PUTs ($${requests.usdAtS3StandardPrices}) with ${first.combiners} combiners: ${(before.usdAtS3StandardPrices / requests.usdAtS3StandardPrices).toFixed(1)}x lower`,
      );
      ctx.ratio("s3_request_cost_not_combined_vs_combined", before.usdAtS3StandardPrices / requests.usdAtS3StandardPrices, ">= 10");
      // With speculation on, the reducers may read the last combiner's group as the maps wrote it
      // (combine.ts): the winning attempts' requests (hedges and copies are counted apart, below).
      const specRequests = on.map(shuffleRequests);
      ctx.info("requestsSpeculation", specRequests);
      const ratios = ctx.record("S3 request cost, not combined / combined, speculation on", "ratio", specRequests.map((r) => before.usdAtS3StandardPrices / r.usdAtS3StandardPrices));
      ctx.log(
        `with speculation on: ${specRequests.map((r) => `${r.gets.toLocaleString("en-US")} GETs ($${r.usdAtS3StandardPrices})`).join(", ")} (winning attempts; the last combiner's group read as written when the reducers did not wait for it)`,
      );
      ctx.ratio("s3_request_cost_not_combined_vs_combined_speculation", ratios.median, ">= 10", "the last combiner's group may be read as the maps wrote it");
    }
    const spec = (o: RunOutcome, maps: number) => ({
      // Every speculative map attempt writes its object too, when it ends.
      puts: o.counters.mapAttempts - maps,
      // Every speculative or hedged reducer attempt reads its whole input, even when it loses.
      gets: o.counters.launchedReducerGets - first.counters.rangedGets,
    });
    const maps = first.stages[0]!;
    ctx.info("speculativeExtraPuts", on.map((o) => spec(o, maps).puts));
    ctx.info("speculativeExtraRangedGets", on.map((o) => spec(o, maps).gets));
    ctx.info("speculativeExtraUsd", on.map((o) => Number((spec(o, maps).puts * PUT_USD + spec(o, maps).gets * GET_USD).toFixed(2))));
  },
};
