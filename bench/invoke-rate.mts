/**
 * 6. Invocation rate: how many task invocations one driver issues a second through the real
 * path — LambdaTaskInvoker over the AWS SDK's LambdaClient (request signing, keep-alive
 * agent, JSON payloads, zod-validated answers) behind the session's LimitedInvoker — against a
 * loopback endpoint: a small HTTP server in a worker thread that speaks Lambda's Invoke API
 * (POST /2015-03-31/functions/<name>/invocations) and answers each task at once with a valid
 * result. The server's work is an executor's, not the driver's, so it runs on its own thread.
 *
 * Measured: invocations per second sustained over `invocations` (10,000; 2,000 with --quick)
 * at `concurrency` in flight (256), and the CPU per invocation (process.cpuUsage: the driver's
 * thread and the server's together, so an upper bound on the driver's share).
 *
 * Knobs (--set invoke-rate.<key>=<value>): invocations, concurrency, payloadBytes (the task
 * input's size: 2,000 bytes, a reducer reading a few dozen blocks).
 */
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { lambdaClient } from "../driver/aws/clients.ts";
import { LambdaTaskInvoker } from "../driver/invoker/lambda-invoker.ts";
import { LimitedInvoker } from "../driver/invoker/limited-invoker.ts";
import { emptyTaskMetrics, TASK_PROTOCOL_VERSION, type StageTask } from "../shared/task.ts";
import type { BenchContext, Benchmark } from "./harness.mts";

/** The loopback Invoke endpoint, as worker-thread source (plain JavaScript, no imports from the repo). */
const SERVER = `
const http = require("node:http");
const { parentPort, workerData } = require("node:worker_threads");
const metrics = workerData.metrics;
let served = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (req.method !== "POST" || !/^\\/2015-03-31\\/functions\\/[^/]+\\/invocations/.test(req.url)) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"message":"not the Invoke API"}');
      return;
    }
    const task = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    served++;
    const body = '{"status":"ok","version":' + task.version + ',"stageId":' + task.stageId + ',"partition":' + task.partition + ',"attempt":' + task.attempt +
      ',"metrics":' + metrics + ',"output":{"kind":"rows","rows":[],"bytes":2}}';
    res.writeHead(200, { "content-type": "application/json", "x-amz-executed-version": "$LATEST", "x-amzn-requestid": "r" + served }).end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
parentPort.on("message", (m) => {
  if (m === "close") {
    server.closeAllConnections();
    server.close(() => parentPort.postMessage("closed"));
  }
});
`;

function task(i: number, payloadBytes: number): StageTask {
  // A reducer-like input: block references up to the payload size.
  const blocks = Array.from({ length: Math.max(1, Math.floor(payloadBytes / 80)) }, (_, b) => ({ uri: `s3://bench-bucket/apps/app-1/shuffle-0/map-${b}.bin`, offset: 0, length: 1000, rows: 10 }));
  return {
    version: TASK_PROTOCOL_VERSION,
    appId: "app-bench",
    stageId: 1,
    partition: i,
    attempt: 0,
    stage: { uri: "s3://bench-bucket/apps/app-bench/stage-1.json", sha256: "0".repeat(64) },
    input: { kind: "shuffle", blocks },
    scratch: "s3://bench-bucket/apps/app-bench/",
    resultInlineMaxBytes: 5 << 20,
  } as StageTask;
}

export const invokeRate: Benchmark = {
  name: "invoke-rate",
  title: "Invocations a second from one driver (AWS SDK against a loopback Invoke endpoint)",
  ratios: [{ name: "invoke_rate_per_s", target: ">= 1000" }],
  async run(ctx: BenchContext) {
    const invocations = ctx.setting("invocations", ctx.options.quick ? 2000 : 10_000);
    const concurrency = ctx.setting("concurrency", 256);
    const payloadBytes = ctx.setting("payloadBytes", 2000);
    const worker = new Worker(SERVER, { eval: true, workerData: { metrics: JSON.stringify({ ...emptyTaskMetrics(), durationMs: 1 }) } });
    const [{ port }] = (await once(worker, "message")) as [{ port: number }];
    const saved = { endpoint: process.env.AWS_ENDPOINT_URL_LAMBDA, key: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, region: process.env.AWS_REGION };
    process.env.AWS_ENDPOINT_URL_LAMBDA = `http://127.0.0.1:${port}`;
    process.env.AWS_ACCESS_KEY_ID ??= "bench";
    process.env.AWS_SECRET_ACCESS_KEY ??= "bench";
    process.env.AWS_REGION ??= "us-east-1";
    try {
      const client = lambdaClient({ maxConcurrency: concurrency, requestTimeoutMs: 30_000 });
      const invoker = new LimitedInvoker(new LambdaTaskInvoker(client, "sparkfn-executor"), concurrency);
      const tasks = Array.from({ length: invocations }, (_, i) => task(i, payloadBytes));
      ctx.info("payloadBytes", JSON.stringify(tasks[0]).length);
      const cpuMs: number[] = [];
      const runAll = async () => {
        const cpu = process.cpuUsage();
        const results = await Promise.all(tasks.map((t) => invoker.invoke(t)));
        const used = process.cpuUsage(cpu);
        cpuMs.push((used.user + used.system) / 1000 / invocations);
        const failed = results.filter((r) => r.status !== "ok");
        if (failed.length > 0) throw new Error(`invoke-rate: ${failed.length} invocations failed, e.g. ${JSON.stringify(failed[0])}`);
        return { succeeded: results.length };
      };
      await runAll(); // warm: sockets open, code optimized
      const measured = await ctx.time(`${invocations} invocations, ${concurrency} in flight`, runAll, { runs: Math.min(3, ctx.options.runs), warmup: 0 });
      const rate = invocations / (measured.median / 1000);
      const cpuPerInvocation = [...cpuMs].sort((a, b) => a - b)[Math.floor(cpuMs.length / 2)]!;
      ctx.info("cpuMsPerInvocation", cpuPerInvocation);
      ctx.info("invocations", invocations);
      ctx.info("concurrency", concurrency);
      ctx.ratio("invoke_rate_per_s", rate, ">= 1000", `${invocations} invocations, ${concurrency} in flight; ${cpuPerInvocation.toFixed(3)} ms of CPU each, driver and loopback server together`);
      client.destroy();
    } finally {
      for (const [k, v] of [["AWS_ENDPOINT_URL_LAMBDA", saved.endpoint], ["AWS_ACCESS_KEY_ID", saved.key], ["AWS_SECRET_ACCESS_KEY", saved.secret], ["AWS_REGION", saved.region]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      worker.postMessage("close");
      await once(worker, "message");
      await worker.terminate();
    }
  },
};
