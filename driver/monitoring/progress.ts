/**
 * Live progress on stderr, as Spark's console progress bar (`spark.ui.showConsoleProgress`),
 * and each job's cost estimate when it ends.
 *
 * - On a terminal: one bar per running stage (cli-progress MultiBar), with tasks done, running
 *   and failed and the stage's elapsed time; a finished stage leaves one line above the bars.
 * - Elsewhere (CI logs, files): one plain line when a stage is submitted and one when it ends.
 * - At the end of each job: one line with formatCost() (an estimate of the same run on AWS
 *   when it ran on the local master or the emulator).
 *
 * On by default under `sparkfn submit` and whenever stderr is a terminal; the config key turns
 * it on or off explicitly ("true"/"false").
 */
import cliProgress from "cli-progress";
import { DEFAULT_PRICES, formatCost } from "./cost-estimate.ts";
import type { EventListener, SparkfnEvent } from "./events.ts";

export const SHOW_CONSOLE_PROGRESS = "spark.ui.showConsoleProgress";

/** What `sparkfn submit` sets: progress on unless the job's config says otherwise. */
let launcherDefault = false;
export function setConsoleProgressDefault(on: boolean): void {
  launcherDefault = on;
}

/** Whether a session with this config shows console progress (explicit setting, else submit's default or a TTY on stderr). */
export function showConsoleProgress(conf: { get(key: string): string | undefined }, stderr: { isTTY?: boolean } = process.stderr): boolean {
  const value = conf.get(SHOW_CONSOLE_PROGRESS)?.trim().toLowerCase();
  if (value === "true") return true;
  if (value === "false") return false;
  return launcherDefault || stderr.isTTY === true;
}

type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
type Submitted = Extract<SparkfnEvent, { event: "StageSubmitted" }>;

interface RunningStage {
  readonly key: string;
  readonly submitted: Submitted;
  done: number;
  running: number;
  failed: number;
  bar: cliProgress.SingleBar | undefined;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;
const label = (s: Submitted) => `Stage ${s.stageId}${s.pass === "run" ? "" : ` ${s.pass}`} (job ${s.jobId})`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export class ConsoleProgress implements EventListener {
  private readonly stream: Stream;
  private readonly tty: boolean;
  private readonly stages = new Map<string, RunningStage>();
  private multibar: cliProgress.MultiBar | undefined;
  /** While bars are drawn: puts back the stream's own write (see hookStream). */
  private unhook: (() => void) | undefined;

  constructor(options: { stream?: Stream; tty?: boolean } = {}) {
    this.stream = options.stream ?? process.stderr;
    this.tty = options.tty ?? this.stream.isTTY === true;
  }

  onEvent(event: SparkfnEvent): void {
    switch (event.event) {
      case "StageSubmitted":
        return this.submitted(event);
      case "TaskStart": {
        const stage = this.stageOf(event.jobId, event.stageId);
        if (stage) stage.running++;
        return this.redraw(stage);
      }
      case "TaskEnd": {
        const stage = this.stageOf(event.jobId, event.stageId);
        if (!stage) return;
        stage.running = Math.max(0, stage.running - 1);
        if (event.status === "success") stage.done++;
        else if (event.status === "failed") stage.failed++;
        return this.redraw(stage);
      }
      case "StageCompleted":
        return this.completed(event);
      case "JobEnd":
        return this.jobEnded(event);
      case "ApplicationEnd":
        for (const stage of this.stages.values()) stage.bar?.stop();
        this.stages.clear();
        return this.stopBars();
      default:
        return;
    }
  }

  private submitted(event: Submitted): void {
    const key = `${event.jobId}/${event.stageId}/${event.pass}`;
    const stage: RunningStage = { key, submitted: event, done: 0, running: 0, failed: 0, bar: undefined };
    this.stages.set(key, stage);
    if (!this.tty) {
      this.write(`sparkfn: ${label(event).replace(/^Stage/, "stage")} submitted: ${plural(event.numTasks, "task")}`);
      return;
    }
    this.multibar ??= new cliProgress.MultiBar({
      stream: this.hookStream(),
      format: (_options, params, payload: { stage?: RunningStage }) => this.format(params.progress, payload.stage, Date.now() - params.startTime),
      hideCursor: true,
      // Bars are cut to the terminal's width; lines logged above them wrap and stay whole.
      linewrap: true,
      gracefulExit: false,
      clearOnComplete: true,
      // Redraw even when no task finished, so the elapsed time keeps moving.
      forceRedraw: true,
      fps: 5,
    });
    stage.bar = this.multibar.create(Math.max(event.numTasks, 1), 0, { stage });
    this.multibar.update(); // draw now: a short stage may end before the first scheduled redraw
  }

  /** `Stage 1 (job 0) [█████░░░░░]  5/8 tasks (+2 running, 1 failed) 1.20s`. */
  private format(progress: number, stage: RunningStage | undefined, elapsedMs: number): string {
    if (!stage) return "";
    const width = 30;
    const filled = Math.max(0, Math.min(width, Math.round(progress * width)));
    const total = stage.submitted.numTasks;
    const extra = [stage.running ? `+${stage.running} running` : "", stage.failed ? `${stage.failed} failed` : ""].filter(Boolean).join(", ");
    return `${label(stage.submitted)} [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${stage.done}/${total} tasks${extra ? ` (${extra})` : ""} ${seconds(elapsedMs)}`;
  }

  private redraw(stage: RunningStage | undefined): void {
    stage?.bar?.update(stage.done, { stage });
  }

  private completed(event: Extract<SparkfnEvent, { event: "StageCompleted" }>): void {
    const key = `${event.jobId}/${event.stageId}/${event.pass}`;
    const stage = this.stages.get(key);
    if (!stage) return;
    this.stages.delete(key);
    const s = stage.submitted;
    const outcome = { succeeded: "completed", failed: "failed", stopped: "stopped early" }[event.result];
    const failures = stage.failed ? `, ${plural(stage.failed, "failed attempt")}` : "";
    // A stopped pass's unfinished tasks are not needed (a combine pass: their groups are read as the maps wrote them).
    const unneeded = event.result === "stopped" && event.unfinished ? `, ${event.unfinished} not needed` : "";
    const line = `sparkfn: ${label(s).replace(/^Stage/, "stage")} ${outcome} in ${seconds(event.time - s.time)}: ${stage.done}/${plural(s.numTasks, "task")} succeeded${unneeded}${failures}`;
    if (!this.tty || !this.multibar || !stage.bar) return this.write(line);
    this.multibar.log(`${line}\n`);
    this.multibar.remove(stage.bar);
    if (this.stages.size === 0) this.stopBars();
  }

  private jobEnded(event: Extract<SparkfnEvent, { event: "JobEnd" }>): void {
    for (const [key, stage] of this.stages) {
      if (stage.submitted.jobId !== event.jobId) continue;
      if (stage.bar) this.multibar?.remove(stage.bar);
      this.stages.delete(key);
    }
    if (this.stages.size === 0) this.stopBars();
    const cost = event.cost;
    if (!cost) return;
    // The JobEnd's own estimate; its S3 part at the prices it was computed with, Lambda the rest.
    const s3Usd = cost.s3Puts * DEFAULT_PRICES.s3PerPut + cost.s3Gets * DEFAULT_PRICES.s3PerGet;
    const estimate = { ...cost, s3Usd, lambdaUsd: Math.max(0, cost.totalUsd - s3Usd) };
    this.write(`sparkfn: job ${event.jobId} ${event.result}. ${formatCost(estimate, cost.onAws)}`);
  }

  private stopBars(): void {
    if (!this.multibar) return;
    this.multibar.update(); // prints what was logged above the bars since the last redraw
    this.multibar.stop();
    this.multibar = undefined;
    this.unhook?.();
    this.unhook = undefined;
  }

  /**
   * Bars are redrawn in place, counting the lines they own: anything else written to the
   * stream meanwhile (a warning, the driver's log) would shift them and leave stale copies.
   * So while bars are up, other writes to the stream go above the bars (MultiBar.log, whole
   * lines), and the bars get a stream of their own that writes straight through.
   */
  private hookStream(): NodeJS.WritableStream {
    const stream = this.stream;
    const original = stream.write;
    const direct = (text: string) => original.call(stream, text);
    let partial = "";
    stream.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
      partial += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
      const end = partial.lastIndexOf("\n");
      if (end >= 0) {
        if (this.multibar) this.multibar.log(partial.slice(0, end + 1));
        else direct(partial.slice(0, end + 1));
        partial = partial.slice(end + 1);
      }
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") process.nextTick(done as () => void);
      return true;
    }) as typeof stream.write;
    this.unhook = () => {
      stream.write = original;
      if (partial) direct(partial);
    };
    return { isTTY: true, get columns() { return stream.columns; }, write: direct } as unknown as NodeJS.WritableStream;
  }

  /** The latest submitted pass of a stage (a recompute pass while its reducers wait). */
  private stageOf(jobId: number, stageId: number): RunningStage | undefined {
    let found: RunningStage | undefined;
    for (const stage of this.stages.values()) if (stage.submitted.jobId === jobId && stage.submitted.stageId === stageId) found = stage;
    return found;
  }

  private write(line: string): void {
    if (this.multibar) this.multibar.log(`${line}\n`);
    else this.stream.write(`${line}\n`);
  }
}
