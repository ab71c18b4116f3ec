import { S3ObjectStore } from "../shared/storage/s3-store.ts";
import { lambdaClient } from "./aws/clients.ts";
import { discoverDeployment, type Deployment, type DiscoverOptions } from "./deployment.ts";
import { LambdaTaskInvoker } from "./invoker/lambda-invoker.ts";
import type { TaskInvoker } from "./invoker/task-invoker.ts";

export interface LambdaConnection {
  readonly deployment: Deployment;
  readonly invoker: TaskInvoker;
  readonly store: S3ObjectStore;
  close(): Promise<void>;
}

export interface ConnectOptions extends DiscoverOptions {
  /** Most concurrent invocations (spark.dynamicAllocation.maxExecutors). Default 100. */
  maxConcurrency?: number;
  /** Task payloads above this size send their input through S3 (default INLINE_PAYLOAD_MAX_BYTES, 5 MiB). */
  inlinePayloadMaxBytes?: number;
  /** SDK request timeout; must exceed the executor function's timeout. Default 16 minutes. */
  invokeTimeoutMs?: number;
}

/** Finds the deployed engine and opens the clients a job needs to run on it. */
export async function connectLambda(options: ConnectOptions = {}): Promise<LambdaConnection> {
  const deployment = await discoverDeployment(options);
  const client = lambdaClient({
    maxConcurrency: options.maxConcurrency ?? 100,
    requestTimeoutMs: options.invokeTimeoutMs ?? 16 * 60_000,
  });
  const store = new S3ObjectStore();
  const invoker = new LambdaTaskInvoker(client, deployment.executorFunction, store, options.inlinePayloadMaxBytes);
  return { deployment, invoker, store, close: () => invoker.close() };
}
