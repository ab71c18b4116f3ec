/**
 * The benchmark harness: repeated measurements (warm-up runs, then timed runs), their
 * median and spread, headline ratios, a Markdown report and the machine-readable results.
 *
 * A benchmark is a function of a BenchContext that records measurements and ratios on it;
 * the runner (bench/run.mts) calls each benchmark, prints `ratio <name> <value>` lines and
 * writes the JSON results.
 */
import { availableParallelism, cpus, totalmem } from "node:os";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * A full garbage collection of this thread, run before each measurement's warm-up: a block
 * starts from a clean heap instead of paying for the garbage the block before it left
 * (another engine's, or a hand-written loop's 48 MB of strings). Garbage a block makes itself
 * still counts against it. (The flag is set at run time, so `npm run bench` needs no option.)
 */
setFlagsFromString("--expose-gc");
export const collectGarbage = runInNewContext("gc") as () => void;

export interface Measurement {
  readonly bench: string;
  readonly name: string;
  /** Unit of the values: "ms", "bytes", "MB/s", "ratio", ... */
  readonly unit: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Interquartile range (q3 - q1) of the values. */
  readonly iqr: number;
  /** Every timed value (warm-up runs left out). */
  readonly values: readonly number[];
  readonly note?: string;
}

export interface Ratio {
  readonly name: string;
  /** null: not measured (the benchmark was skipped or failed). */
  readonly value: number | null;
  /** The target, as text (e.g. "<= 2"). */
  readonly target?: string;
  readonly note?: string;
}

export type BenchStatus = "ok" | "skipped" | "failed";

export interface BenchResult {
  readonly name: string;
  status: BenchStatus;
  reason?: string;
  durationMs: number;
  readonly measurements: Measurement[];
  readonly ratios: Ratio[];
  /** Sizes, settings and facts that are not repeated measurements (bundle bytes, request counts, ...). */
  readonly info: Record<string, unknown>;
}

export interface BenchOptions {
  readonly quick: boolean;
  /** Rows of the generated transactions (kernel, shuffle encoding). */
  readonly rows: number;
  /** Timed runs per measurement (the issue asks for at least 5). */
  readonly runs: number;
  /** Untimed warm-up runs before them. */
  readonly warmup: number;
  /** Where generated data is kept (deterministic, so it is reused across runs). */
  readonly dataDir: string;
  /** Extra knobs per benchmark (`--set driver.tasks=2000`), as strings. */
  readonly settings: ReadonlyMap<string, string>;
}

export class BenchContext {
  readonly result: BenchResult;

  constructor(
    readonly name: string,
    readonly options: BenchOptions,
  ) {
    this.result = { name, status: "ok", durationMs: 0, measurements: [], ratios: [], info: {} };
  }

  /** A numeric setting `<bench>.<key>` (from --set), or the fallback. */
  setting(key: string, fallback: number): number {
    const raw = this.options.settings.get(`${this.name}.${key}`);
    if (raw === undefined) return fallback;
    const value = Number(raw.replace(/_/g, ""));
    if (!Number.isFinite(value)) throw new Error(`--set ${this.name}.${key}=${raw}: not a number`);
    return value;
  }

  log(message: string): void {
    console.error(`[${this.name}] ${message}`);
  }

  /**
   * Runs `fn` `warmup` times untimed, then `runs` times timed (wall clock, ms), and records
   * the measurement. `fn` may return a check value (row count, sum): every run must return
   * the same one, so a benchmark cannot silently measure a wrong answer.
   */
  async time<T>(name: string, fn: () => Promise<T> | T, options: { runs?: number; warmup?: number; note?: string } = {}): Promise<Measurement & { readonly answer: T }> {
    const runs = options.runs ?? this.options.runs;
    const warmup = options.warmup ?? this.options.warmup;
    let check: string | undefined;
    const verify = (value: unknown) => {
      if (value === undefined) return;
      const text = JSON.stringify(value);
      if (check === undefined) check = text;
      else if (check !== text) throw new Error(`${this.name}/${name}: runs disagree: ${check} vs ${text}`);
    };
    collectGarbage();
    for (let i = 0; i < warmup; i++) verify(await fn());
    const values: number[] = [];
    let answer: T | undefined;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      answer = await fn();
      values.push(performance.now() - start);
      verify(answer);
    }
    // The answer stays out of the results (the measurement is recorded without it).
    return { ...this.record(name, "ms", values, options.note), answer: answer as T };
  }

  /**
   * Like time(), for measurements that produce their own value per run (a makespan ratio,
   * CPU ms per task, a throughput): warm-up runs first, then `runs` values.
   */
  async sample(name: string, unit: string, fn: () => Promise<number> | number, options: { runs?: number; warmup?: number; note?: string } = {}): Promise<Measurement> {
    const runs = options.runs ?? this.options.runs;
    const warmup = options.warmup ?? this.options.warmup;
    for (let i = 0; i < warmup; i++) await fn();
    const values: number[] = [];
    for (let i = 0; i < runs; i++) values.push(await fn());
    return this.record(name, unit, values, options.note);
  }

  /** Records values measured elsewhere. */
  record(name: string, unit: string, values: readonly number[], note?: string): Measurement {
    if (values.length === 0) throw new Error(`${this.name}/${name}: no values`);
    const s = summarize(values);
    const m: Measurement = { bench: this.name, name, unit, ...s, values: [...values], ...(note ? { note } : {}) };
    this.result.measurements.push(m);
    this.log(`${name}: ${formatValue(m.median, unit)} (min ${formatValue(m.min, unit)}, max ${formatValue(m.max, unit)}, n=${values.length})`);
    return m;
  }

  ratio(name: string, value: number | null, target?: string, note?: string): Ratio {
    const r: Ratio = { name, value: value !== null && Number.isFinite(value) ? value : null, ...(target ? { target } : {}), ...(note ? { note } : {}) };
    this.result.ratios.push(r);
    return r;
  }

  info(key: string, value: unknown): void {
    this.result.info[key] = value;
  }
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 1) return sorted[0]!;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function summarize(values: readonly number[]): { median: number; min: number; max: number; iqr: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), min: sorted[0]!, max: sorted[sorted.length - 1]!, iqr: quantile(sorted, 0.75) - quantile(sorted, 0.25) };
}

export interface Benchmark {
  readonly name: string;
  readonly title: string;
  /** The ratios this benchmark promises to print (so a skipped one still prints them as n/a). */
  readonly ratios: readonly { readonly name: string; readonly target?: string }[];
  run(context: BenchContext): Promise<void>;
}

/** A skip that is not a failure (the emulator could not be started, say). */
export class SkipBenchmark extends Error {
  override readonly name = "SkipBenchmark";
}

export async function runBenchmark(bench: Benchmark, options: BenchOptions): Promise<BenchResult> {
  const context = new BenchContext(bench.name, options);
  const start = performance.now();
  try {
    await bench.run(context);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    context.result.status = error instanceof SkipBenchmark ? "skipped" : "failed";
    context.result.reason = message;
    context.log(`${context.result.status}: ${message}`);
    if (!(error instanceof SkipBenchmark) && error instanceof Error && error.stack) console.error(error.stack);
  }
  context.result.durationMs = performance.now() - start;
  // Every promised ratio appears, n/a when it could not be measured.
  for (const r of bench.ratios) {
    if (!context.result.ratios.some((x) => x.name === r.name)) context.ratio(r.name, null, r.target, context.result.reason ?? "not measured");
  }
  return context.result;
}

// ---- formatting ----------------------------------------------------------------------------

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs === 0) return "0";
  if (abs >= 1e6) return `${(value / 1e6).toFixed(abs >= 1e8 ? 0 : 2)} M`;
  if (abs >= 1e4) return Math.round(value).toLocaleString("en-US");
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

export function formatValue(value: number, unit: string): string {
  if (unit === "bytes") return value >= 1e6 ? `${(value / 1e6).toFixed(2)} MB` : value >= 1e3 ? `${(value / 1e3).toFixed(1)} kB` : `${formatNumber(value)} B`;
  if (unit === "ratio" || unit === "x") return `${formatNumber(value)}×`;
  return `${formatNumber(value)} ${unit}`;
}

export const ratioLine = (r: Ratio) => `ratio ${r.name} ${r.value === null ? "n/a" : Number(r.value.toPrecision(4))}`;

export interface Machine {
  readonly nproc: number;
  readonly cpu: string;
  readonly node: string;
  readonly platform: string;
  readonly memoryGiB: number;
}

export function machine(): Machine {
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}

export interface Report {
  readonly version: 1;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly machine: Machine;
  readonly options: { readonly quick: boolean; readonly rows: number; readonly runs: number; readonly warmup: number; readonly only: readonly string[] | null; readonly settings: Record<string, string> };
  readonly benchmarks: readonly BenchResult[];
  /** Every headline ratio by name (null = not measured). */
  readonly ratios: Record<string, number | null>;
}

export function markdown(report: Report): string {
  const lines: string[] = [];
  const m = report.machine;
  lines.push(`Machine: ${m.nproc} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; ${report.options.quick ? "--quick" : "full"} run, ${report.options.warmup} warm-up + ${report.options.runs} timed runs per measurement, ${report.startedAt}.`);
  lines.push("");
  for (const b of report.benchmarks) if (typeof b.info.size === "string") lines.push(`- ${b.name}: ${b.info.size}`);
  lines.push("");
  lines.push("| ratio | value | target |");
  lines.push("| --- | ---: | --- |");
  for (const b of report.benchmarks) {
    for (const r of b.ratios) lines.push(`| \`${r.name}\` | ${r.value === null ? "n/a" : formatNumber(r.value)} | ${r.target ?? ""} |`);
  }
  lines.push("");
  lines.push("| benchmark | measurement | median | min – max | IQR | runs |");
  lines.push("| --- | --- | ---: | ---: | ---: | ---: |");
  for (const b of report.benchmarks) {
    if (b.status !== "ok") lines.push(`| ${b.name} | **${b.status}**: ${(b.reason ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ").slice(0, 200)} | | | | |`);
    for (const x of b.measurements) {
      lines.push(`| ${b.name} | ${x.name} | ${formatValue(x.median, x.unit)} | ${formatValue(x.min, x.unit)} – ${formatValue(x.max, x.unit)} | ${formatValue(x.iqr, x.unit)} | ${x.values.length} |`);
    }
  }
  return lines.join("\n");
}

export async function writeReport(report: Report, file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(report, null, 2) + "\n");
}
