/**
 * On the lambda master, a dropped connection must not hold the driver: spark.stop() (and so
 * Ctrl-C) returns promptly while an invocation hangs, and the job fails as cancelled. One local
 * node:http server stands in for both Lambda (its function settings answered, invocations never)
 * and S3 (an empty bucket), through AWS_ENDPOINT_URL.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { SparkSession } from "sparkfn";
import { connectLambda } from "../../driver/connect.ts";
import { INVOKE_TIMEOUT_MARGIN_MS } from "../../driver/aws/function-config.ts";
import { FAKE_CREDENTIALS, fakeAws, xml, type FakeAws } from "../support/fake-aws.ts";

const FUNCTION = "sparkfn-executor";
const FUNCTION_TIMEOUT_S = 2;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** Lambda: settings answered, invocations left hanging. S3: an empty bucket that accepts writes. */
async function hangingDeployment(): Promise<FakeAws & { invocations: () => number }> {
  const server = await fakeAws((req, res) => {
    if (req.url.startsWith(`/2015-03-31/functions/${FUNCTION}/configuration`)) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ FunctionName: FUNCTION, Timeout: FUNCTION_TIMEOUT_S, MemorySize: 1024 }));
    } else if (req.url.startsWith(`/2015-03-31/functions/${FUNCTION}/invocations`)) {
      // Never answered: the connection "dropped".
    } else if (req.method === "GET" && req.url.includes("list-type=2")) {
      res.writeHead(200, { "content-type": "application/xml" }).end(xml('<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>false</IsTruncated><KeyCount>0</KeyCount></ListBucketResult>'));
    } else if (req.method === "PUT") {
      res.writeHead(200, { etag: '"0"' }).end();
    } else if (req.method === "POST" && req.url.includes("delete")) {
      res.writeHead(200, { "content-type": "application/xml" }).end(xml('<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>'));
    } else {
      res.writeHead(404, { "content-type": "application/xml" }).end(xml("<Error><Code>NoSuchKey</Code><Message>none</Message></Error>"));
    }
  });
  closers.push(server.close);
  for (const [k, v] of Object.entries(FAKE_CREDENTIALS)) vi.stubEnv(k, v);
  vi.stubEnv("AWS_ENDPOINT_URL", server.url);
  // Per-service endpoints too: in a full \`npm test\` the emulator project's setup exports its own (AWS_ENDPOINT_URL_S3).
  for (const key of Object.keys(process.env).filter((k) => k.startsWith("AWS_ENDPOINT_URL_"))) vi.stubEnv(key, server.url);
  vi.stubEnv("SPARKFN_BUCKET", "bucket");
  vi.stubEnv("SPARKFN_EXECUTOR_FUNCTION", FUNCTION);
  const invocations = () => server.requests.filter((r) => r.url.includes("/invocations")).length;
  return Object.assign(server, { invocations });
}

describe("lambda master on a dropped connection", () => {
  it("derives the invoke timeout from the deployed function's timeout, and reads its memory once", async () => {
    const server = await hangingDeployment();
    const connection = await connectLambda();
    closers.push(() => connection.close());
    expect(connection.invokeTimeoutMs).toBe(FUNCTION_TIMEOUT_S * 1000 + INVOKE_TIMEOUT_MARGIN_MS);
    expect(await connection.executorMemoryMiB()).toBe(1024);
    expect(server.requests.filter((r) => r.url.includes("/configuration")).length).toBe(1);
    await expect(connectLambda({ invokeTimeoutMs: 1000 })).rejects.toThrowError(/sparkfn\.lambda\.invokeTimeout is 1000 ms, but the executor function sparkfn-executor may run for 2000 ms/);
  });

  it("spark.stop() returns promptly while an invocation hangs, and the job fails as cancelled", async () => {
    const server = await hangingDeployment();
    // An hour: only stop() can end the hung invocation within this test.
    const spark = await SparkSession.builder().master("lambda").config("sparkfn.lambda.invokeTimeout", "1h").getOrCreate();
    const job = spark
      .range(0, 10, 1, 2)
      .collect()
      .then(
        () => "finished",
        (error: unknown) => error,
      );
    // Setup, not the property under test: wait (generously: the S3 client loads on first use, slowly on a busy machine) until both tasks hang.
    for (let i = 0; i < 3000 && server.invocations() < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.invocations()).toBe(2);
    const began = performance.now();
    await spark.stop();
    expect(performance.now() - began).toBeLessThan(3000);
    const outcome = await job;
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).name).toBe("JobCancelledError");
    // The abandoned attempts were not retried.
    expect(server.invocations()).toBe(2);
  }, 60_000);
});
