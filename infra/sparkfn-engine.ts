/**
 * SparkfnEngine: the reusable CDK construct behind the default `Sparkfn` stack.
 *
 * It owns everything sparkfn needs in an account: one encrypted, private bucket for
 * data, shuffle files and scratch space, and the executor function the driver fans
 * tasks out to. Users can drop it into their own CDK app; `infra/app.ts` is a thin
 * wrapper around it.
 */
import { CfnOutput, Duration, RemovalPolicy, Size } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { Construct } from "constructs";
import { STACK_OUTPUTS } from "../shared/deployment.ts";
import { grantDriverBucketAccess, grantExecutorBucketAccess } from "./bucket-access.ts";
import { bucketLifecycleRules } from "./bucket-lifecycle.ts";
import { SparkfnConstructError } from "./errors.ts";
import { driverFunction, executorFunction } from "./function-code.ts";

export interface SparkfnEngineProps {
  /** Executor memory in MiB; Lambda gives CPU in proportion (1,769 MiB = one vCPU). Default 2048. */
  readonly executorMemoryMiB?: number;
  /** Longest a single task may run. Default 5 minutes (Lambda's ceiling is 15). */
  readonly executorTimeout?: Duration;
  /** Days before shuffle and scratch objects of finished apps, and uncommitted write attempt files, are deleted. Default 3. */
  readonly scratchExpirationDays?: number;
  /**
   * Bucket versioning. Default true: an overwritten or deleted object stays recoverable as a
   * noncurrent version for `noncurrentVersionExpirationDays` (the roles may not delete versions).
   */
  readonly versioned?: boolean;
  /** Days a noncurrent object version is kept (versioned buckets; scratch under apps/: 1 day). Default 7. */
  readonly noncurrentVersionExpirationDays?: number;
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
  /**
   * The executor's /tmp in MiB (512 to 10,240), where aggregation and sort spill past the task's
   * memory budget (60% of the function's memory: executor-fn/stage/memory.ts). Default: the
   * executor's memory, at least 2048.
   */
  readonly executorEphemeralStorageMiB?: number;
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
  /**
   * Most driver functions the queue runs at once (the event source's maximum concurrency, 2 to
   * 1,000): each one fans out to up to 100 executors, so a burst of messages waits in the queue
   * instead. Default 5.
   */
  readonly maxConcurrency?: number;
}

export class SparkfnEngine extends Construct {
  readonly bucket: s3.Bucket;
  readonly executor: lambda.Function;
  /** What the driver invokes: the executor function, or its alias when a warm pool is provisioned. */
  readonly executorTarget: lambda.IFunction;
  readonly driver?: lambda.Function;
  readonly jobQueue?: sqs.Queue;
  readonly deadLetterQueue?: sqs.Queue;
  /** In alarm while the dead-letter queue holds a message (ApproximateNumberOfMessagesVisible > 0); give it an alarm action to be told. */
  readonly deadLetterAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SparkfnEngineProps = {}) {
    super(scope, id);

    const removalPolicy = props.bucketRemovalPolicy ?? RemovalPolicy.RETAIN;
    // Versioned by default: an accidental overwrite or delete stays recoverable for a while,
    // at the price of keeping replaced data that long (infra/bucket-lifecycle.ts).
    const versioned = props.versioned ?? true;
    this.bucket = new s3.Bucket(this, "Bucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy,
      autoDeleteObjects: false,
      versioned,
      lifecycleRules: bucketLifecycleRules({
        scratchExpirationDays: props.scratchExpirationDays ?? 3,
        versioned,
        noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays ?? 7,
      }),
    });

    const retention = props.logRetention ?? logs.RetentionDays.TWO_WEEKS;
    const architecture = props.architecture ?? lambda.Architecture.X86_64;
    const logGroup = new logs.LogGroup(this, "ExecutorLogs", { retention, removalPolicy: RemovalPolicy.DESTROY });
    const memorySize = props.executorMemoryMiB ?? 2048;
    const ephemeralMiB = props.executorEphemeralStorageMiB ?? Math.min(10_240, Math.max(2048, memorySize));
    if (!Number.isInteger(ephemeralMiB) || ephemeralMiB < 512 || ephemeralMiB > 10_240) {
      throw new SparkfnConstructError(`SparkfnEngine: executorEphemeralStorageMiB is ${ephemeralMiB}; Lambda's /tmp holds 512 to 10240 MiB: give a whole number in that range.`);
    }

    // Code and runtime: infra/function-code.ts (prebuilt when installed, bundled from source here).
    this.executor = executorFunction(this, "Executor", {
      architecture,
      memorySize,
      ephemeralStorageSize: Size.mebibytes(ephemeralMiB),
      ...(props.executorReservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.executorReservedConcurrency } : {}),
      timeout: props.executorTimeout ?? Duration.minutes(5),
      logGroup,
      environment: {
        SPARKFN_BUCKET: this.bucket.bucketName,
        NODE_OPTIONS: "--enable-source-maps",
        ...props.executorEnvironment,
      },
    });

    // Least privilege: the executor reads its own bucket and writes scratch and attempt files only.
    grantExecutorBucketAccess(this.bucket, this.executor);

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
      this.deadLetterAlarm = batch.deadLetterAlarm;
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
    const driver = driverFunction(this, "Driver", {
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
    }, batch.jobsModule);
    driver.addEventSource(
      new SqsEventSource(jobQueue, { batchSize: batch.batchSize ?? 1, reportBatchItemFailures: true, maxConcurrency: batch.maxConcurrency ?? 5 }),
    );
    // Least privilege: invoke the executor and read its settings only, use the engine's bucket
    // (./bucket-access.ts), consume its queue, forward to its DLQ.
    this.executorTarget.grantInvoke(driver);
    // The driver reads the executor's timeout to size its invoke timeout (driver/aws/function-config.ts).
    driver.addToRolePolicy(new iam.PolicyStatement({ actions: ["lambda:GetFunctionConfiguration"], resources: [this.executorTarget.functionArn] }));
    grantDriverBucketAccess(this.bucket, driver);
    deadLetterQueue.grantSendMessages(driver);
    // A message in the dead-letter queue is a job that failed for good, or one that never ran.
    const deadLetterAlarm = deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
      .createAlarm(this, "JobDeadLetterAlarm", {
        alarmDescription: "sparkfn batch jobs: messages in the dead-letter queue (each carries its reason in the sparkfnError attribute)",
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });

    new CfnOutput(this, "JobQueueUrl", { value: jobQueue.queueUrl, key: STACK_OUTPUTS.jobQueueUrl });
    new CfnOutput(this, "JobDeadLetterQueueUrl", { value: deadLetterQueue.queueUrl, key: STACK_OUTPUTS.deadLetterQueueUrl });
    new CfnOutput(this, "DriverFunctionName", { value: driver.functionName, key: STACK_OUTPUTS.driverFunction });
    return { driver, jobQueue, deadLetterQueue, deadLetterAlarm };
  }
}
