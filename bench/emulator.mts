/**
 * 4. Emulator end to end: the seed job (read CSV with header and inferSchema, amount > 1000,
 * group by category, sum(amount), order by category, collect) over `rows` transactions in
 * `files` CSV objects (one scan task each, so ≥ 16 tasks) on master `lambda` against the
 * local emulator, and the same job on `local[2]` over the same files on local disk.
 *
 * The emulator: an endpoint already answering at AWS_ENDPOINT_URL is used as it is (and
 * left running); otherwise localstack/up.sh starts one and localstack/down.sh stops it at
 * the end. The stack is deployed with localstack/deploy.sh when it is not found (or always,
 * with --set emulator.deploy=1). When the emulator cannot be started the benchmark is
 * recorded as skipped, with the reason.
 *
 * Knobs: --set emulator.rows=N (1,000,000; 200,000 with --quick), emulator.files=16, emulator.deploy=1.
 */
import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { col, discoverDeployment, SparkSession } from "../driver/index.ts";
import { S3ObjectStore } from "../shared/storage/s3-store.ts";
import { endpointHealthy as healthy, localEnv, runScript } from "../test/setup/local-env.ts";
import { SkipBenchmark, type BenchContext, type Benchmark } from "./harness.mts";
import { csvText, TRANSACTIONS_SCHEMA, transactionRows } from "./data.mts";

/**
 * Both sessions read one file per task: spark.sql.files.openCostInBytes as large as a split
 * stops small files from being packed together (the default packs 16 small files into fewer
 * tasks), so the job has as many scan tasks as files on both masters.
 */
const ONE_FILE_PER_TASK = ["spark.sql.files.openCostInBytes", "128m"] as const;

/** The seed job, as examples/seed-filter-groupby-sum.ts writes it. */
async function seedJob(spark: SparkSession, input: string): Promise<{ groups: number; totalCents: number }> {
  const df = spark.read.option("header", "true").option("inferSchema", "true").csv(input);
  const rows = await df.filter(col("amount").gt(1000)).groupBy("category").sum("amount").orderBy("category").collect();
  return { groups: rows.length, totalCents: Math.round(rows.reduce((a, r) => a + Number(r["sum(amount)"]), 0) * 100) };
}

export const emulator: Benchmark = {
  name: "emulator",
  title: "Emulator end to end: lambda vs local[2]",
  ratios: [{ name: "emulator_vs_local" }],
  async run(ctx: BenchContext) {
    const rows = ctx.setting("rows", ctx.options.quick ? 200_000 : 1_000_000);
    const files = ctx.setting("files", 16);
    const customers = Math.max(1, Math.round(rows / 10));
    ctx.info("rows", rows);
    ctx.info("files", files);
    ctx.info("size", `the seed job over ${rows.toLocaleString("en-US")} transactions in ${files} CSV files (one scan task each)`);

    // Local copies, generated once (deterministic).
    const localDir = path.join(ctx.options.dataDir, `emulator-${rows}-${files}`);
    const names = Array.from({ length: files }, (_, i) => `part-${String(i).padStart(5, "0")}.csv`);
    const perFile = Math.ceil(rows / files);
    if (!names.every((n) => existsSync(path.join(localDir, n)))) {
      await mkdir(localDir, { recursive: true });
      for (let i = 0; i < files; i++) {
        const count = Math.max(0, Math.min(perFile, rows - i * perFile));
        const text = csvText(TRANSACTIONS_SCHEMA, transactionRows(count, customers, 1000 + i, 1 + i * perFile));
        const file = path.join(localDir, names[i]!);
        await writeFile(`${file}.tmp`, text);
        await rename(`${file}.tmp`, file);
      }
    }

    const saved = { ...process.env };
    const env = localEnv();
    let startedHere = false;
    try {
      if (!(await healthy(env.AWS_ENDPOINT_URL!))) {
        ctx.log(`nothing answers at ${env.AWS_ENDPOINT_URL}: starting the emulator (localstack/up.sh)`);
        try {
          const t = performance.now();
          runScript("up.sh", env);
          startedHere = true;
          ctx.info("emulatorStartMs", Math.round(performance.now() - t));
        } catch (error) {
          throw new SkipBenchmark(`the emulator could not be started: ${error instanceof Error ? error.message.split("\n").slice(0, 6).join(" ") : String(error)}`);
        }
      } else {
        ctx.log(`using the endpoint already running at ${env.AWS_ENDPOINT_URL}`);
      }
      ctx.info("emulatorStartedByBench", startedHere);
      Object.assign(process.env, env);

      let deployment;
      try {
        if (ctx.setting("deploy", 0) === 1) throw new Error("deploy forced");
        deployment = await discoverDeployment();
        ctx.info("deployed", "existing stack used");
      } catch {
        ctx.log("deploying the stack (localstack/deploy.sh)");
        try {
          const t = performance.now();
          runScript("deploy.sh", env);
          ctx.info("deployMs", Math.round(performance.now() - t));
        } catch (error) {
          throw new SkipBenchmark(`the stack could not be deployed: ${error instanceof Error ? error.message.split("\n").slice(0, 6).join(" ") : String(error)}`);
        }
        deployment = await discoverDeployment();
        ctx.info("deployed", "deployed by the benchmark");
      }

      // The same files in the emulator's S3 (uploaded when missing or of another size).
      const store = new S3ObjectStore();
      const prefix = `s3://${deployment.bucket}/data/bench-transactions-${rows}-${files}/`;
      const present = new Map((await store.list(prefix)).map((o) => [o.uri, o.size]));
      const { readFile, stat } = await import("node:fs/promises");
      for (const n of names) {
        const local = path.join(localDir, n);
        if (present.get(prefix + n) !== (await stat(local)).size) await store.put(prefix + n, await readFile(local));
      }

      const lambda = await SparkSession.builder().appName("bench-emulator").master("lambda").config(...ONE_FILE_PER_TASK).getOrCreate();
      let lambdaMs;
      try {
        lambdaMs = await ctx.time("seed job: lambda on the emulator", () => seedJob(lambda, prefix));
        const stages = lambda.lastJobTasks;
        ctx.info("lambdaStages", stages);
        const scanTasks = Math.max(...stages.map((s) => s.tasks));
        if (scanTasks < 16) ctx.log(`warning: only ${scanTasks} tasks in the largest stage`);
        ctx.info("lambdaPeakTaskRssBytes", Math.max(...lambda.lastJobMetrics.flatMap((s) => s.tasks.map((t) => t.metrics.peakMemoryBytes))));
      } finally {
        await lambda.stop();
      }

      const local = await SparkSession.builder().appName("bench-emulator-local").master("local[2]").config(...ONE_FILE_PER_TASK).getOrCreate();
      let localMs;
      try {
        localMs = await ctx.time("seed job: local[2] on local files", () => seedJob(local, localDir));
        ctx.info("localStages", local.lastJobTasks);
      } finally {
        await local.stop();
      }
      if (lambdaMs.answer.groups !== localMs.answer.groups || Math.abs(lambdaMs.answer.totalCents - localMs.answer.totalCents) > 2) {
        throw new Error(`lambda and local[2] answers differ: ${JSON.stringify(lambdaMs.answer)} vs ${JSON.stringify(localMs.answer)}`);
      }
      ctx.ratio("emulator_vs_local", lambdaMs.median / localMs.median);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      if (startedHere) {
        ctx.log("stopping the emulator this benchmark started (localstack/down.sh)");
        try {
          runScript("down.sh", env);
        } catch (error) {
          ctx.log(`down.sh failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
  },
};
