/**
 * SparkfnStack: a stack holding one SparkfnEngine, the default `Sparkfn` deployment, and
 * `stackFromContext`, which builds it from CDK context (`cdk deploy -c key=value`) with the
 * keys infra/app.ts has always read.
 */
import * as path from "node:path";
import { Duration, RemovalPolicy, Stack, type App, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { DEFAULT_STACK_NAME } from "../shared/deployment.ts";
import { SparkfnConstructError } from "./errors.ts";
import { SparkfnEngine, type SparkfnEngineProps } from "./sparkfn-engine.ts";

export interface SparkfnStackProps extends StackProps {
  /** The engine's settings (executor size, batch jobs...). Default: SparkfnEngine's defaults, no batch jobs. */
  readonly engine?: SparkfnEngineProps;
}

export class SparkfnStack extends Stack {
  readonly engine: SparkfnEngine;

  /** `id` is also the stack's name unless `props.stackName` says otherwise; the driver finds a stack named "Sparkfn" unless told another (spark.sparkfn.stackName). */
  constructor(scope: Construct, id: string = DEFAULT_STACK_NAME, props: SparkfnStackProps = {}) {
    const { engine, ...stackProps } = props;
    super(scope, id, { description: "sparkfn: serverless Spark-style engine (bucket + executor function)", ...stackProps });
    this.engine = new SparkfnEngine(this, "Engine", engine);
  }
}

export interface ContextDefaults {
  /** The jobs module when the context sets none; without either, the stack has no batch driver. */
  readonly jobsModule?: string;
  /** The folder a relative `jobsModule` from context is taken from. Default: the working directory. */
  readonly baseDir?: string;
}

/**
 * The stack from CDK context: stackName, executorMemoryMiB, executorTimeoutSeconds,
 * destroyBucket=true, allowFaultInjection=true (test deployments only: tasks may ask the
 * executor to fail on purpose), jobsModule, driverTimeoutSeconds, driverBatchSize.
 */
export function stackFromContext(app: App, defaults: ContextDefaults = {}): SparkfnStack {
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined || value === null ? undefined : String(value);
  };
  const positive = (key: string): number | undefined => {
    const value = context(key);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new SparkfnConstructError(`CDK context ${key}=${JSON.stringify(value)} is not a positive whole number; pass e.g. -c ${key}=60.`);
    return n;
  };
  const memory = positive("executorMemoryMiB");
  const timeoutSeconds = positive("executorTimeoutSeconds");
  const driverTimeoutSeconds = positive("driverTimeoutSeconds");
  const driverBatchSize = positive("driverBatchSize");
  const jobsModule = context("jobsModule") ?? defaults.jobsModule;
  return new SparkfnStack(app, context("stackName") ?? DEFAULT_STACK_NAME, {
    engine: {
      ...(jobsModule !== undefined
        ? {
            batch: {
              jobsModule: path.resolve(defaults.baseDir ?? process.cwd(), jobsModule),
              ...(driverTimeoutSeconds !== undefined ? { driverTimeout: Duration.seconds(driverTimeoutSeconds) } : {}),
              ...(driverBatchSize !== undefined ? { batchSize: driverBatchSize } : {}),
            },
          }
        : {}),
      ...(memory !== undefined ? { executorMemoryMiB: memory } : {}),
      ...(timeoutSeconds !== undefined ? { executorTimeout: Duration.seconds(timeoutSeconds) } : {}),
      ...(context("destroyBucket") === "true" ? { bucketRemovalPolicy: RemovalPolicy.DESTROY } : {}),
      ...(context("allowFaultInjection") === "true" ? { executorEnvironment: { SPARKFN_ALLOW_FAULT_INJECTION: "1" } } : {}),
    },
  });
}
