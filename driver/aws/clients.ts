import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { awsClientConfig } from "../../shared/aws/client-config.ts";

export interface LambdaClientOptions {
  /** Most invocations in flight; the keep-alive agent keeps this many sockets. */
  maxConcurrency: number;
  /** Must exceed the executor's timeout, or the SDK gives up on a task that is still running. */
  requestTimeoutMs: number;
}

export function lambdaClient(options: LambdaClientOptions): LambdaClient {
  const agent = { keepAlive: true, maxSockets: options.maxConcurrency };
  return new LambdaClient({
    ...awsClientConfig("LAMBDA"),
    requestHandler: { requestTimeout: options.requestTimeoutMs, httpAgent: agent, httpsAgent: agent },
  });
}

export function cloudFormationClient(): CloudFormationClient {
  return new CloudFormationClient(awsClientConfig("CLOUDFORMATION"));
}
