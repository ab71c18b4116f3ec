import { S3ObjectStore } from "../shared/storage/s3-store.ts";
import { lambdaClient, lambdaControlClient } from "./aws/clients.ts";
import { chooseInvokeTimeoutMs, readFunctionSettings } from "./aws/function-config.ts";
import { discoverDeployment, type Deployment, type DiscoverOptions } from "./deployment.ts";
import { LambdaTaskInvoker } from "./invoker/lambda-invoker.ts";
import type { TaskInvoker } from "./invoker/task-invoker.ts";

export interface LambdaConnection {
  readonly deployment: Deployment;
  readonly invoker: TaskInvoker;
  readonly store: S3ObjectStore;
  /** How long one invocation may wait for its answer (see ./aws/function-config.ts). */
  readonly invokeTimeoutMs: number;
  /** The executor function's memory (MiB). */
  executorMemoryMiB(): Promise<number>;
  close(): Promise<void>;
}

export interface ConnectOptions extends DiscoverOptions {
  /** Most concurrent invocations (spark.dynamicAllocation.maxExecutors). Default 100. */
  maxConcurrency?: number;
  /** Task payloads above this size send their input through S3 (default INLINE_PAYLOAD_MAX_BYTES, 5 MiB). */
  inlinePayloadMaxBytes?: number;
  /**
   * sparkfn.lambda.invokeTimeout: how long an invocation may wait; must exceed the executor
   * function's timeout. Default: the function's timeout plus 30 s.
   */
  invokeTimeoutMs?: number;
}

/** Finds the deployed engine and opens the clients a job needs to run on it. */
export async function connectLambda(options: ConnectOptions = {}): Promise<LambdaConnection> {
  const deployment = await discoverDeployment(options);
  const functionName = deployment.executorFunction;
  const control = lambdaControlClient();
  let settings;
  try {
    settings = await readFunctionSettings(control, functionName);
  } finally {
    control.destroy();
  }
  const invokeTimeoutMs = chooseInvokeTimeoutMs(functionName, options.invokeTimeoutMs, settings?.timeoutMs);
  const client = lambdaClient({ maxConcurrency: options.maxConcurrency ?? 100, requestTimeoutMs: invokeTimeoutMs });
  const store = new S3ObjectStore();
  const invoker = new LambdaTaskInvoker(client, functionName, store, options.inlinePayloadMaxBytes, invokeTimeoutMs);
  return {
    deployment,
    invoker,
    store,
    invokeTimeoutMs,
    executorMemoryMiB: async () => {
      if (settings) return settings.memoryMiB;
      const retry = lambdaControlClient();
      try {
        const again = await readFunctionSettings(retry, functionName);
        if (!again) throw new Error(`Cannot read the settings of the executor function ${functionName} (lambda:GetFunctionConfiguration failed).`);
        return again.memoryMiB;
      } finally {
        retry.destroy();
      }
    },
    close: () => invoker.close(),
  };
}
