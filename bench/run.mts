/**
 * sparkfn's benchmarks: `npm run bench` (full) or `npm run bench -- --quick` (under 3
 * minutes). Prints a Markdown table and one `ratio <name> <value>` line per headline ratio
 * to stdout (progress goes to stderr), and writes the results to bench/results/latest.json.
 *
 *   --quick              smaller data (the emulator job still runs ≥ 16 tasks)
 *   --only a,b           only these benchmarks: kernel, functions, shuffle-encoding, driver-scale, invoke-rate,
 *                        emulator, cold-start; and the opt-in tpch (never run without --only)
 *   --sf N               TPC-H scale factor of `--only tpch` (default 1; 0.1 with --quick)
 *   --rows N             transactions rows of the kernel and shuffle benchmarks
 *                        (default 1,000,000; 100,000 with --quick)
 *   --runs N             timed runs per measurement (default 5; with `--only tpch` 3, or 1
 *                        with --quick), after --warmup N (default 1)
 *   --out FILE           results file (default bench/results/latest.json)
 *   --data-dir DIR       where generated data is kept (default bench/.data)
 *   --set bench.key=V    a benchmark's knob, e.g. --set driver-scale.tasks=2000 (see each file)
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { machine, markdown, ratioLine, runBenchmark, writeReport, type Benchmark, type BenchOptions, type BenchResult, type Report } from "./harness.mts";
import { kernel } from "./kernel.mts";
import { functions } from "./functions.mts";
import { shuffleEncoding } from "./shuffle-encoding.mts";
import { driverScale } from "./driver-scale.mts";
import { emulator } from "./emulator.mts";
import { coldStart } from "./cold-start.mts";
import { invokeRate } from "./invoke-rate.mts";
import { tpch } from "./tpch.mts";

export const BENCHMARKS: readonly Benchmark[] = [kernel, functions, shuffleEncoding, driverScale, invokeRate, emulator, coldStart];
/** Run only when named in --only: TPC-H at SF 1 takes minutes (bench/tpch.mts). */
export const OPT_IN_BENCHMARKS: readonly Benchmark[] = [tpch];

const BENCH_DIR = import.meta.dirname;

export interface RunArgs {
  readonly options: BenchOptions;
  readonly only: readonly string[] | null;
  readonly out: string;
}

export function parseRunArgs(argv: readonly string[]): RunArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      rows: { type: "string" },
      runs: { type: "string" },
      warmup: { type: "string" },
      out: { type: "string" },
      "data-dir": { type: "string" },
      set: { type: "string", multiple: true },
      sf: { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const int = (name: string, raw: string | undefined, fallback: number, min: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw.replace(/_/g, ""));
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} ${raw}: expected an integer of at least ${min}`);
    return n;
  };
  const quick = values.quick ?? false;
  const only = values.only ? values.only.split(",").map((s) => s.trim()).filter(Boolean) : null;
  const known = [...BENCHMARKS, ...OPT_IN_BENCHMARKS];
  const unknown = only?.filter((n) => !known.some((b) => b.name === n)) ?? [];
  if (unknown.length) throw new Error(`--only: unknown benchmark(s) ${unknown.join(", ")}; known: ${known.map((b) => b.name).join(", ")}`);
  const settings = new Map<string, string>();
  for (const s of values.set ?? []) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new Error(`--set ${s}: expected bench.key=value`);
    settings.set(s.slice(0, eq), s.slice(eq + 1));
  }
  if (values.sf !== undefined) {
    if (!(Number(values.sf) > 0)) throw new Error(`--sf ${values.sf}: expected a positive scale factor`);
    settings.set("tpch.sf", values.sf);
  }
  // TPC-H alone: 3 timed runs per query (1 with --quick) unless --runs says otherwise.
  const tpchOnly = only?.length === 1 && only[0] === "tpch";
  return {
    options: {
      quick,
      rows: int("rows", values.rows, quick ? 100_000 : 1_000_000, 100),
      runs: int("runs", values.runs, tpchOnly ? (quick ? 1 : 3) : 5, 1),
      warmup: int("warmup", values.warmup, 1, 0),
      dataDir: path.resolve(values["data-dir"] ?? path.join(BENCH_DIR, ".data")),
      settings,
    },
    only,
    out: path.resolve(values.out ?? path.join(BENCH_DIR, "results", "latest.json")),
  };
}

export async function runAll(args: RunArgs): Promise<Report> {
  const startedAt = new Date().toISOString();
  const start = performance.now();
  const selected = args.only === null ? BENCHMARKS : [...BENCHMARKS, ...OPT_IN_BENCHMARKS].filter((b) => args.only!.includes(b.name));
  const results: BenchResult[] = [];
  for (const bench of selected) {
    console.error(`\n== ${bench.name}: ${bench.title}`);
    results.push(await runBenchmark(bench, args.options));
  }
  const report: Report = {
    version: 1,
    startedAt,
    durationMs: performance.now() - start,
    machine: machine(),
    options: {
      quick: args.options.quick,
      rows: args.options.rows,
      runs: args.options.runs,
      warmup: args.options.warmup,
      only: args.only,
      settings: Object.fromEntries(args.options.settings),
    },
    benchmarks: results,
    ratios: Object.fromEntries(results.flatMap((b) => b.ratios.map((r) => [r.name, r.value]))),
  };
  await writeReport(report, args.out);
  return report;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("bench/run.mts")) {
  const args = parseRunArgs(process.argv.slice(2));
  const report = await runAll(args);
  console.log(markdown(report));
  console.log("");
  for (const b of report.benchmarks) for (const r of b.ratios) console.log(ratioLine(r));
  console.error(`\nresults: ${path.relative(process.cwd(), args.out)} (${(report.durationMs / 1000).toFixed(0)} s)`);
  // Worker threads, sockets or DuckDB handles must not keep the process alive.
  process.exit(report.benchmarks.some((b) => b.status === "failed") ? 1 : 0);
}
