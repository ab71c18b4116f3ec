/**
 * The default CDK app: one `Sparkfn` stack around the SparkfnEngine construct.
 * Stack name and executor size can be changed with CDK context, e.g.
 * `cdk deploy -c stackName=SparkfnDev -c executorMemoryMiB=4096 -c executorTimeoutSeconds=600`. The
 * local emulator deploy adds `-c allowFaultInjection=true` so the fault tests can run (a real deploy
 * never should) and a 60 s executor timeout, so a task hung on purpose is killed soon.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { App, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import { SparkfnEngine } from "./sparkfn-engine.ts";
import { DEFAULT_STACK_NAME } from "../shared/deployment.ts";

const app = new App();
const stackName = (app.node.tryGetContext("stackName") as string | undefined) ?? DEFAULT_STACK_NAME;
const memory = app.node.tryGetContext("executorMemoryMiB") as string | undefined;
const timeoutSeconds = app.node.tryGetContext("executorTimeoutSeconds") as string | undefined;
const destroyBucket = app.node.tryGetContext("destroyBucket") === "true";
// Test deployments only (the local emulator's): lets tasks ask the executor to fail on purpose.
const allowFaultInjection = app.node.tryGetContext("allowFaultInjection") === "true";

const stack = new Stack(app, stackName, {
  description: "sparkfn: serverless Spark-style engine (bucket + executor function)",
});
// Batch jobs from SQS run the registered jobs of this module (set -c jobsModule=... for your own).
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const jobsModule = path.resolve(projectRoot, (app.node.tryGetContext("jobsModule") as string | undefined) ?? "examples/jobs/index.ts");
const driverTimeoutSeconds = app.node.tryGetContext("driverTimeoutSeconds") as string | undefined;
const driverBatchSize = app.node.tryGetContext("driverBatchSize") as string | undefined;

new SparkfnEngine(stack, "Engine", {
  batch: {
    jobsModule,
    ...(driverTimeoutSeconds ? { driverTimeout: Duration.seconds(Number(driverTimeoutSeconds)) } : {}),
    ...(driverBatchSize ? { batchSize: Number(driverBatchSize) } : {}),
  },
  ...(memory ? { executorMemoryMiB: Number(memory) } : {}),
  ...(timeoutSeconds ? { executorTimeout: Duration.seconds(Number(timeoutSeconds)) } : {}),
  ...(destroyBucket ? { bucketRemovalPolicy: RemovalPolicy.DESTROY } : {}),
  ...(allowFaultInjection ? { executorEnvironment: { SPARKFN_ALLOW_FAULT_INJECTION: "1" } } : {}),
});
app.synth();
