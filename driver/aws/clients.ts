import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { awsClientConfig, timedClientConfig } from "../../shared/aws/client-config.ts";
import { awsTimeouts, requestHandlerSettings, type AwsTimeouts } from "../../shared/aws/timeouts.ts";

export interface LambdaClientOptions {
  /** Most invocations in flight; the keep-alive agent keeps this many sockets. */
  maxConcurrency: number;
  /**
   * How long one synchronous invocation may wait for its answer. Must exceed the executor's
   * timeout, or the driver gives up on a task that is still running (driver/aws/function-config.ts
   * derives it from the function).
   */
  requestTimeoutMs: number;
  /** Connection timeout and the rest; default: ../../shared/aws/timeouts.ts from the environment. */
  timeouts?: AwsTimeouts;
}

/**
 * The client that invokes the executor. The request timeout throws (a dropped connection fails
 * the attempt instead of hanging the driver); there is no idle-socket limit, since the
 * connection is silent while the function runs. One attempt per call (`maxAttempts: 1`): the
 * scheduler retries task attempts itself, with backoff, throttling lanes and an event-log line
 * for each; a hidden SDK retry would run a task again unseen, and triple the wait on a timeout.
 */
export function lambdaClient(options: LambdaClientOptions): LambdaClient {
  const agent = { keepAlive: true, maxSockets: options.maxConcurrency };
  const timeouts = { ...(options.timeouts ?? awsTimeouts()), requestTimeoutMs: options.requestTimeoutMs, socketTimeoutMs: 0 };
  return new LambdaClient({
    ...awsClientConfig("LAMBDA"),
    maxAttempts: 1,
    requestHandler: requestHandlerSettings(timeouts, agent),
  });
}

/** For Lambda's control plane (GetFunctionConfiguration): the ordinary timeouts. */
export function lambdaControlClient(): LambdaClient {
  return new LambdaClient(timedClientConfig("LAMBDA"));
}

export function cloudFormationClient(): CloudFormationClient {
  return new CloudFormationClient(timedClientConfig("CLOUDFORMATION"));
}
