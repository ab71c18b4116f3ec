/**
 * The benchmark harness itself, on tiny data: `bench/run.mts` runs the kernel, function,
 * shuffle encoding, simulated-driver and invocation-rate benchmarks (no emulator), prints a `ratio <name> <value>`
 * line per headline ratio and writes well-formed results. Nothing here checks a timing.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { summarize } from "../../bench/harness.mts";
import type { Report } from "../../bench/harness.mts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
let dir: string | undefined;

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("summarizes values as median, min, max and interquartile range", () => {
  expect(summarize([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, iqr: 2 });
  expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, iqr: 1.5 });
  expect(summarize([7])).toEqual({ median: 7, min: 7, max: 7, iqr: 0 });
});

it("runs the benchmarks on tiny data and reports every ratio as a finite positive number", async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-bench-test-"));
  const out = path.join(dir, "results.json");
  const args = [
    "--import", "tsx", path.join(ROOT, "bench", "run.mts"),
    "--only", "kernel,functions,shuffle-encoding,driver-scale,invoke-rate",
    "--rows", "2000", "--runs", "1", "--warmup", "0",
    "--data-dir", path.join(dir, "data"), "--out", out,
    "--set", "driver-scale.maps=200", "--set", "driver-scale.reducers=20", "--set", "driver-scale.concurrency=50",
    "--set", "driver-scale.minMs=2", "--set", "driver-scale.maxMs=10",
    // 200 × 20 is under the default threshold: combined here so the two-level exchange's comparison runs too.
    "--set", "driver-scale.combineThreshold=1000",
    "--set", "invoke-rate.invocations=300", "--set", "invoke-rate.concurrency=32",
  ];
  const { stdout } = await run(process.execPath, args, { cwd: ROOT, maxBuffer: 16 << 20 });

  const report = JSON.parse(await readFile(out, "utf8")) as Report;
  expect(report.version).toBe(1);
  expect(report.machine.nproc).toBeGreaterThan(0);
  expect(report.machine.node).toBe(process.version);
  expect(report.options).toMatchObject({ quick: false, rows: 2000, runs: 1, warmup: 0, only: ["kernel", "functions", "shuffle-encoding", "driver-scale", "invoke-rate"] });
  expect(report.benchmarks.map((b) => [b.name, b.status, b.reason])).toEqual([
    ["kernel", "ok", undefined],
    ["functions", "ok", undefined],
    ["shuffle-encoding", "ok", undefined],
    ["driver-scale", "ok", undefined],
    ["invoke-rate", "ok", undefined],
  ]);
  for (const b of report.benchmarks) {
    expect(b.measurements.length).toBeGreaterThan(0);
    for (const m of b.measurements) {
      expect(m.values.length).toBeGreaterThan(0);
      for (const v of [m.median, m.min, m.max, m.iqr, ...m.values]) expect(Number.isFinite(v)).toBe(true);
      expect(m.min).toBeLessThanOrEqual(m.median);
      expect(m.median).toBeLessThanOrEqual(m.max);
    }
  }
  const names = [
    "kernel_csv_agg_vs_duckdb",
    "kernel_parquet_agg_vs_duckdb",
    "kernel_csv_agg_vs_handwritten",
    "join_vs_duckdb",
    "sort_vs_duckdb",
    "timestamp_hour_vs_duckdb",
    "regex_vs_duckdb",
    "running_total_vs_duckdb",
    "decimal_sum_vs_duckdb",
    "shuffle_bytes_vs_csv",
    "driver_cpu_ms_per_task",
    "makespan_vs_ideal",
    "makespan_vs_ideal_speculation",
    "makespan_vs_ideal_speculation_not_combined",
    "s3_request_cost_not_combined_vs_combined",
    "s3_request_cost_not_combined_vs_combined_speculation",
    "invoke_rate_per_s",
  ];
  expect(Object.keys(report.ratios).sort()).toEqual([...names].sort());
  for (const name of names) {
    const value = report.ratios[name];
    expect(typeof value, name).toBe("number");
    // driver_cpu_ms_per_task is net of the timers' own CPU, which on tiny data can match the driver's: 0 there.
    expect(Number.isFinite(value) && (value! > 0 || (name === "driver_cpu_ms_per_task" && value === 0)), `${name} = ${value}`).toBe(true);
    // One line per ratio on stdout, with the same value as the results file.
    const line = stdout.split("\n").find((l) => l.startsWith(`ratio ${name} `));
    expect(line, name).toBeDefined();
    // Printed with 4 significant digits.
    expect(Math.abs(Number(line!.split(" ")[2]) - value!)).toBeLessThanOrEqual(Math.abs(value!) * 1e-3);
  }
  expect(stdout).toContain("| ratio | value | target |");
}, 60_000);
