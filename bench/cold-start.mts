/**
 * 5. Cold start: the executor function's bundle, built as infra/sparkfn-engine.ts has CDK
 * build it (esbuild: executor-fn/handler.ts, bundled with the AWS SDK, CommonJS, node20,
 * minified; the source map, which CDK writes next to it, is left out of the size), its size
 * in bytes, and the time to load it in a fresh Node process (`require` of the bundle, from
 * the first line of the process to the handler being defined; Node's own start-up is
 * reported apart). Then the peak memory of the executor on the rows-row seed aggregation:
 * the peak RSS of a fresh process running it on local[1] (driver and executor thread in one
 * process, running the compiled package from dist/ with plain node, as an installed sparkfn
 * runs), and of the same process on 1,000 rows, whose difference is what the data costs.
 * Last, the driver's start-up in a fresh process and the share of it the SQL parser adds
 * (driverStart below).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import type { BenchContext, Benchmark } from "./harness.mts";
import { dataset, TRANSACTIONS_DDL } from "./data.mts";
import { TPCH_SQL } from "./tpch/sql.mts";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");

const childEnv = {
  PATH: process.env.PATH ?? "",
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};

export const coldStart: Benchmark = {
  name: "cold-start",
  title: "Cold start: executor bundle size, import time, peak memory",
  ratios: [
    { name: "executor_cold_import_ms", target: "<= 300" },
    { name: "peak_rss_mb", target: "<= 150" },
    { name: "sql_startup_added_ms", target: "<= 300" },
  ],
  async run(ctx: BenchContext) {
    const dir = await mkdtemp(path.join(tmpdir(), "sparkfn-bench-bundle-"));
    try {
      const outfile = path.join(dir, "index.js");
      await build({
        entryPoints: [path.join(ROOT, "executor-fn", "handler.ts")],
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node20",
        minify: true,
        sourcemap: false,
        external: [],
        outfile,
        logLevel: "silent",
      });
      const bytes = (await stat(outfile)).size;
      ctx.info("bundleBytes", bytes);
      ctx.record("executor bundle (minified)", "bytes", [bytes], "target <= 2 MB");

      const probe = `const t0 = performance.now(); const m = require(${JSON.stringify(outfile)}); if (typeof m.handler !== "function") throw new Error("no handler"); const t1 = performance.now(); console.log(JSON.stringify({ importMs: t1 - t0, readyMs: t1 }));`;
      const once = async () => {
        const { stdout } = await run(process.execPath, ["-e", probe], { env: childEnv });
        return JSON.parse(stdout.trim().split("\n").pop()!) as { importMs: number; readyMs: number };
      };
      const ready: number[] = [];
      const imported = await ctx.sample("handler module load in a fresh node process", "ms", async () => {
        const r = await once();
        ready.push(r.readyMs);
        return r.importMs;
      });
      ctx.record("fresh process start to handler loaded", "ms", ready.slice(ctx.options.warmup));
      ctx.ratio("executor_cold_import_ms", imported.median, "<= 300");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const rows = ctx.options.rows;
    ctx.info("size", `executor-fn/handler.ts bundled by esbuild (CommonJS, node20, minified); peak memory on ${rows.toLocaleString("en-US")} rows`);
    // The process runs the compiled package, as an installed sparkfn does: build it now.
    ctx.log("building dist/ (npm run build) for the peak-memory process");
    await run(process.execPath, [path.join(ROOT, "scripts", "build.mjs")], { cwd: ROOT, maxBuffer: 1 << 24 });
    await driverStart(ctx);
    const big = await dataset(ctx.options.dataDir, rows, Math.max(1, Math.round(rows / 10)), (m) => ctx.log(m));
    const tiny = await dataset(ctx.options.dataDir, 1000, 100);
    const child = async (file: string) => {
      const { stdout } = await run(process.execPath, [path.join(ROOT, "bench", "peak-memory-child.mjs"), file, TRANSACTIONS_DDL], { env: childEnv, cwd: ROOT, maxBuffer: 1 << 20 });
      return JSON.parse(stdout.trim().split("\n").pop()!) as { groups: number; maxRssBytes: number; taskPeakBytes: number };
    };
    // Memory needs no warm-up (every run is a fresh process), and a process's peak RSS does
    // not depend on what else runs: the children run two at a time.
    const runs = ctx.options.runs;
    const files = [...Array.from({ length: runs }, () => big.transactionsCsv), ...Array.from({ length: runs }, () => tiny.transactionsCsv)];
    const rss: number[] = new Array(files.length);
    let next = 0;
    await Promise.all(
      [0, 1].map(async () => {
        while (next < files.length) {
          const i = next++;
          rss[i] = (await child(files[i]!)).maxRssBytes;
        }
      }),
    );
    const peak = ctx.record(`peak RSS, seed aggregation of ${rows} rows (local[1] process)`, "bytes", rss.slice(0, runs));
    const base = ctx.record("peak RSS, same process on 1,000 rows", "bytes", rss.slice(runs));
    ctx.info("peakRssBytes", peak.median);
    ctx.info("peakRssDataBytes", peak.median - base.median);
    ctx.ratio("peak_rss_mb", peak.median / 2 ** 20, "<= 150");
  },
};

/**
 * The driver's start-up and what SQL adds to it, in fresh node processes over dist/: the time
 * to import the package, and, apart, what SQL costs: importing chevrotain (dist/ holds it
 * bundled into one module, scripts/build.mjs) and, with the package loaded, building the
 * parser and parsing a TPC-H query the first time (chevrotain builds the grammar at first use).
 */
async function driverStart(ctx: BenchContext): Promise<void> {
  const dist = (file: string) => JSON.stringify(pathToFileURL(path.join(ROOT, "dist", file)).href);
  const sql = JSON.stringify(TPCH_SQL.q02!);
  const probe = `const t0 = performance.now();
await import(${dist("driver/index.js")});
const t1 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0 }));`;
  const sqlProbe = `const t0 = performance.now();
await import(${dist("driver/sql/chevrotain.js")});
const t1 = performance.now();
await import(${dist("driver/index.js")});
const { parseQuery } = await import(${dist("driver/sql/parser.js")});
const t2 = performance.now();
parseQuery(${sql});
const t3 = performance.now();
console.log(JSON.stringify({ chevrotainMs: t1 - t0, parserMs: t3 - t2, addedMs: t1 - t0 + (t3 - t2) }));`;
  const once = async <T,>(code: string) => {
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", code], { env: childEnv, cwd: ROOT });
    return JSON.parse(stdout.trim().split("\n").pop()!) as T;
  };
  await ctx.sample("driver package import in a fresh node process (dist/driver/index.js)", "ms", async () => (await once<{ importMs: number }>(probe)).importMs);
  const parts: { chevrotainMs: number; parserMs: number }[] = [];
  const added = await ctx.sample("SQL's share: import chevrotain, then build the parser and parse TPC-H q02 once", "ms", async () => {
    const r = await once<{ chevrotainMs: number; parserMs: number; addedMs: number }>(sqlProbe);
    parts.push(r);
    return r.addedMs;
  });
  ctx.record("of which importing chevrotain", "ms", parts.slice(ctx.options.warmup).map((p) => p.chevrotainMs));
  ctx.record("of which building the parser and the first parse", "ms", parts.slice(ctx.options.warmup).map((p) => p.parserMs));
  ctx.ratio("sql_startup_added_ms", added.median, "<= 300");
}
