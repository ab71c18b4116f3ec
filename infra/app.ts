/**
 * The default CDK app: one `Sparkfn` stack (SparkfnStack, around the SparkfnEngine construct).
 * Stack name and executor size can be changed with CDK context, e.g.
 * `cdk deploy -c stackName=SparkfnDev -c executorMemoryMiB=4096 -c executorTimeoutSeconds=600`. The
 * local emulator deploy adds `-c allowFaultInjection=true` so the fault tests can run (a real deploy
 * never should) and a 60 s executor timeout, so a task hung on purpose is killed soon.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { App } from "aws-cdk-lib";
import { stackFromContext } from "./sparkfn-stack.ts";

const app = new App();
// Batch jobs from SQS run the registered jobs of this module (set -c jobsModule=... for your own,
// relative to the repository root), with -c driverTimeoutSeconds=... and -c driverBatchSize=...
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
stackFromContext(app, { jobsModule: "examples/jobs/index.ts", baseDir: projectRoot });
app.synth();
