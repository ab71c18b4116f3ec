/**
 * SparkfnEngine: the reusable CDK construct behind the default `Sparkfn` stack.
 *
 * It owns everything sparkfn needs in an account: one encrypted, private bucket for
 * data, shuffle files and scratch space, and the executor function the driver fans
 * tasks out to. Users can drop it into their own CDK app; `infra/app.ts` is a thin
 * wrapper around it.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { CfnOutput, Duration, RemovalPolicy } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { APPS_PREFIX } from "../shared/storage/keys.ts";
import { STACK_OUTPUTS } from "../shared/deployment.ts";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface SparkfnEngineProps {
  /** Executor memory in MiB; Lambda gives CPU in proportion (1,769 MiB = one vCPU). Default 2048. */
  readonly executorMemoryMiB?: number;
  /** Longest a single task may run. Default 5 minutes (Lambda's ceiling is 15). */
  readonly executorTimeout?: Duration;
  /** Days before shuffle and scratch objects of finished apps are deleted. Default 3. */
  readonly scratchExpirationDays?: number;
  /** What happens to the bucket when the stack is deleted. Default RETAIN: data outlives the stack. */
  readonly bucketRemovalPolicy?: RemovalPolicy;
  /** Extra environment for the executor (for example `SPARKFN_ALLOW_FAULT_INJECTION`). */
  readonly executorEnvironment?: Record<string, string>;
}

export class SparkfnEngine extends Construct {
  readonly bucket: s3.Bucket;
  readonly executor: NodejsFunction;

  constructor(scope: Construct, id: string, props: SparkfnEngineProps = {}) {
    super(scope, id);

    const removalPolicy = props.bucketRemovalPolicy ?? RemovalPolicy.RETAIN;
    this.bucket = new s3.Bucket(this, "Bucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy,
      autoDeleteObjects: false,
      lifecycleRules: [
        {
          id: "expire-app-scratch",
          // Shuffle files, stage plans, large task results and scratch of every app live
          // under apps/; the driver deletes them at spark.stop(), this catches crashed drivers.
          prefix: APPS_PREFIX,
          expiration: Duration.days(props.scratchExpirationDays ?? 3),
        },
        { id: "abort-incomplete-uploads", abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    const logGroup = new logs.LogGroup(this, "ExecutorLogs", {
      retention: logs.RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.executor = new NodejsFunction(this, "Executor", {
      entry: path.join(projectRoot, "executor-fn", "handler.ts"),
      handler: "handler",
      projectRoot,
      depsLockFilePath: path.join(projectRoot, "package-lock.json"),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.X86_64,
      memorySize: props.executorMemoryMiB ?? 2048,
      timeout: props.executorTimeout ?? Duration.minutes(5),
      logGroup,
      environment: {
        SPARKFN_BUCKET: this.bucket.bucketName,
        NODE_OPTIONS: "--enable-source-maps",
        ...props.executorEnvironment,
      },
      bundling: {
        // The emulator's Node runner has no AWS SDK, and pinning our own version keeps
        // AWS and the emulator on the same code: bundle the SDK in.
        externalModules: [],
        format: OutputFormat.CJS,
        target: "node20",
        minify: true,
        sourceMap: true,
        // esbuild runs on this machine; never in Docker.
        forceDockerBundling: false,
      },
    });

    // Least privilege: the executor reads and writes objects of its own bucket only.
    this.bucket.grantReadWrite(this.executor);

    new CfnOutput(this, "BucketName", { value: this.bucket.bucketName, key: STACK_OUTPUTS.bucket });
    new CfnOutput(this, "ExecutorFunctionName", {
      value: this.executor.functionName,
      key: STACK_OUTPUTS.executorFunction,
    });
  }
}
