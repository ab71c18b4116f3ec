/**
 * Finds the deployed engine (bucket and executor function) from the stack's CloudFormation
 * outputs. Explicit options or the environment variables SPARKFN_BUCKET and
 * SPARKFN_EXECUTOR_FUNCTION override discovery; SPARKFN_STACK_NAME picks another stack.
 */
import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { endpointFor } from "../shared/aws/client-config.ts";
import { DEFAULT_STACK_NAME, STACK_OUTPUTS } from "../shared/deployment.ts";
import { cloudFormationClient } from "./aws/clients.ts";
import { DeploymentNotFoundError } from "./errors.ts";

export interface Deployment {
  readonly stackName: string;
  readonly bucket: string;
  readonly executorFunction: string;
  /** Batch jobs, when the stack has them: the job queue and its dead-letter queue. */
  readonly jobQueueUrl?: string;
  readonly deadLetterQueueUrl?: string;
}

export interface DiscoverOptions {
  stackName?: string;
  bucket?: string;
  executorFunction?: string;
}

export async function discoverDeployment(options: DiscoverOptions = {}): Promise<Deployment> {
  const env = process.env;
  const stackName = options.stackName ?? env.SPARKFN_STACK_NAME ?? DEFAULT_STACK_NAME;
  const bucket = options.bucket ?? env.SPARKFN_BUCKET;
  const executorFunction = options.executorFunction ?? env.SPARKFN_EXECUTOR_FUNCTION;
  if (bucket && executorFunction) return { stackName, bucket, executorFunction };

  const where = endpointFor("CLOUDFORMATION") ?? `region ${env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "(default)"}`;
  let outputs: Map<string, string>;
  try {
    const response = await cloudFormationClient().send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = new Map((response.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? "", o.OutputValue ?? ""]));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DeploymentNotFoundError(
      `Cannot find the sparkfn stack "${stackName}" at ${where}: ${reason}. ` +
        "Deploy it with `npm run deploy:local` (emulator) or `npm run deploy` (AWS), " +
        "or set SPARKFN_BUCKET and SPARKFN_EXECUTOR_FUNCTION.",
    );
  }
  const found = {
    stackName,
    bucket: bucket ?? outputs.get(STACK_OUTPUTS.bucket),
    executorFunction: executorFunction ?? outputs.get(STACK_OUTPUTS.executorFunction),
    ...(outputs.get(STACK_OUTPUTS.jobQueueUrl) ? { jobQueueUrl: outputs.get(STACK_OUTPUTS.jobQueueUrl)! } : {}),
    ...(outputs.get(STACK_OUTPUTS.deadLetterQueueUrl) ? { deadLetterQueueUrl: outputs.get(STACK_OUTPUTS.deadLetterQueueUrl)! } : {}),
  };
  if (!found.bucket || !found.executorFunction) {
    throw new DeploymentNotFoundError(
      `Stack "${stackName}" at ${where} has no ${STACK_OUTPUTS.bucket}/${STACK_OUTPUTS.executorFunction} outputs; ` +
        "is it a sparkfn stack? Redeploy with `npm run deploy:local` or `npm run deploy`.",
    );
  }
  return found as Deployment;
}
