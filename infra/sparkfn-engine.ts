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
import * as sqs from "aws-cdk-lib/aws-sqs";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
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
  /** CPU architecture of the functions. Default x86_64 (arm64 costs about 20% less per GB-second). */
  readonly architecture?: lambda.Architecture;
  /**
   * Reserved concurrency of the executor: the most tasks that can run at once, whatever
   * the account does (set spark.dynamicAllocation.maxExecutors to match). Default: none.
   */
  readonly executorReservedConcurrency?: number;
  /**
   * Provisioned concurrency of the executor (a warm pool, Spark's minExecutors): tasks up to
   * this many start without a cold start, at a price while idle. Default: none.
   */
  readonly executorProvisionedConcurrency?: number;
  /** How long function logs are kept. Default two weeks. */
  readonly logRetention?: logs.RetentionDays;
  /** Batch jobs triggered by SQS: a driver function, its queue and dead-letter queue. Default: none. */
  readonly batch?: SparkfnBatchProps;
}

export interface SparkfnBatchProps {
  /** The job registry module (exports `jobs: JobRegistry`), bundled into the driver function; an absolute path is safest (a relative one is taken from the working directory). */
  readonly jobsModule: string;
  /** Longest a job may run in the driver function. Default and maximum: 15 minutes. */
  readonly driverTimeout?: Duration;
  /** Driver memory in MiB. Default 1024. */
  readonly driverMemoryMiB?: number;
  /** Messages handed to one driver invocation (they run one after another). Default 1. */
  readonly batchSize?: number;
  /** Receives before a failing message moves to the dead-letter queue. Default 3. */
  readonly maxReceiveCount?: number;
}

export class SparkfnEngine extends Construct {
  readonly bucket: s3.Bucket;
  readonly executor: NodejsFunction;
  /** What the driver invokes: the executor function, or its alias when a warm pool is provisioned. */
  readonly executorTarget: lambda.IFunction;
  readonly driver?: NodejsFunction;
  readonly jobQueue?: sqs.Queue;
  readonly deadLetterQueue?: sqs.Queue;

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

    const retention = props.logRetention ?? logs.RetentionDays.TWO_WEEKS;
    const architecture = props.architecture ?? lambda.Architecture.X86_64;
    const logGroup = new logs.LogGroup(this, "ExecutorLogs", { retention, removalPolicy: RemovalPolicy.DESTROY });

    this.executor = new NodejsFunction(this, "Executor", {
      entry: path.join(projectRoot, "executor-fn", "handler.ts"),
      handler: "handler",
      projectRoot,
      depsLockFilePath: path.join(projectRoot, "package-lock.json"),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture,
      memorySize: props.executorMemoryMiB ?? 2048,
      ...(props.executorReservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.executorReservedConcurrency } : {}),
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

    this.executorTarget =
      props.executorProvisionedConcurrency !== undefined
        ? new lambda.Alias(this, "ExecutorWarmPool", {
            aliasName: "warm",
            version: this.executor.currentVersion,
            provisionedConcurrentExecutions: props.executorProvisionedConcurrency,
          })
        : this.executor;

    new CfnOutput(this, "BucketName", { value: this.bucket.bucketName, key: STACK_OUTPUTS.bucket });
    new CfnOutput(this, "ExecutorFunctionName", {
      value: this.executorTarget.functionName,
      key: STACK_OUTPUTS.executorFunction,
    });

    if (props.batch) {
      const batch = this.addBatch(props.batch, architecture, retention);
      this.driver = batch.driver;
      this.jobQueue = batch.jobQueue;
      this.deadLetterQueue = batch.deadLetterQueue;
    }
  }

  /** The driver function fed by SQS, with a dead-letter queue for messages that keep failing. */
  private addBatch(batch: SparkfnBatchProps, architecture: lambda.Architecture, retention: logs.RetentionDays) {
    const timeout = batch.driverTimeout ?? Duration.minutes(15);
    if (timeout.toSeconds() > 900) throw new Error("SparkfnEngine: a driver function runs 15 minutes at most; run longer jobs with `sparkfn submit`.");
    const deadLetterQueue = new sqs.Queue(this, "JobDeadLetterQueue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const jobQueue = new sqs.Queue(this, "JobQueue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's guidance for Lambda event sources: at least six times the function's timeout.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: batch.maxReceiveCount ?? 3 },
    });
    const logGroup = new logs.LogGroup(this, "DriverLogs", { retention, removalPolicy: RemovalPolicy.DESTROY });
    const driver = new NodejsFunction(this, "Driver", {
      entry: path.join(projectRoot, "driver", "batch", "lambda.ts"),
      handler: "handler",
      projectRoot,
      depsLockFilePath: path.join(projectRoot, "package-lock.json"),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture,
      memorySize: batch.driverMemoryMiB ?? 1024,
      timeout,
      logGroup,
      environment: {
        SPARKFN_BUCKET: this.bucket.bucketName,
        SPARKFN_EXECUTOR_FUNCTION: this.executorTarget.functionName,
        SPARKFN_DEAD_LETTER_QUEUE_URL: deadLetterQueue.queueUrl,
        SPARKFN_DRIVER_TIMEOUT_MS: String(timeout.toMilliseconds()),
        NODE_OPTIONS: "--enable-source-maps",
      },
      bundling: {
        // sc.addModule() bundles packages with esbuild on a laptop's driver; the driver function has none.
        externalModules: ["esbuild"],
        format: OutputFormat.CJS,
        target: "node20",
        minify: true,
        sourceMap: true,
        forceDockerBundling: false,
        // The deployment's jobs, and `sparkfn` as they import it, are compiled into the bundle:
        // code reaches the driver only from this deploy, never from a message.
        esbuildArgs: { "--alias:sparkfn-jobs": path.resolve(batch.jobsModule), "--alias:sparkfn": path.join(projectRoot, "driver", "index.ts") },
      },
    });
    driver.addEventSource(new SqsEventSource(jobQueue, { batchSize: batch.batchSize ?? 1, reportBatchItemFailures: true }));
    // Least privilege: invoke the executor only, use the engine's bucket, consume its queue, forward to its DLQ.
    this.executorTarget.grantInvoke(driver);
    this.bucket.grantReadWrite(driver);
    deadLetterQueue.grantSendMessages(driver);

    new CfnOutput(this, "JobQueueUrl", { value: jobQueue.queueUrl, key: STACK_OUTPUTS.jobQueueUrl });
    new CfnOutput(this, "JobDeadLetterQueueUrl", { value: deadLetterQueue.queueUrl, key: STACK_OUTPUTS.deadLetterQueueUrl });
    new CfnOutput(this, "DriverFunctionName", { value: driver.functionName, key: STACK_OUTPUTS.driverFunction });
    return { driver, jobQueue, deadLetterQueue };
  }
}
