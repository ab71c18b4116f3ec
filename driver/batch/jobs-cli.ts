/** `sparkfn jobs send` and `sparkfn jobs status`: start a batch job through the queue, read a run's status. */
import { randomUUID } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { timedClientConfig } from "../../shared/aws/client-config.ts";
import { discoverDeployment } from "../deployment.ts";
import { JobMessage } from "./message.ts";
import { RunStatusStore, type RunStatus } from "./run-status.ts";

export async function sendJob(job: string, argsJson: string, runId: string | undefined, stackName?: string): Promise<{ messageId: string; runId: string }> {
  let args: unknown;
  try {
    args = JSON.parse(argsJson);
  } catch (error) {
    throw new Error(`--args is not JSON: ${(error as Error).message}`);
  }
  const message = JobMessage.parse({ job, args, runId: runId ?? `${job}-${randomUUID().slice(0, 8)}` });
  const deployment = await discoverDeployment(stackName ? { stackName } : {});
  if (!deployment.jobQueueUrl) throw new Error(`Stack "${deployment.stackName}" has no job queue: deploy it with batch jobs (the default Sparkfn stack has them).`);
  const sqs = new SQSClient(timedClientConfig("SQS"));
  try {
    const out = await sqs.send(new SendMessageCommand({ QueueUrl: deployment.jobQueueUrl, MessageBody: JSON.stringify(message) }));
    return { messageId: out.MessageId ?? "", runId: message.runId! };
  } finally {
    sqs.destroy();
  }
}

export async function jobStatus(runId: string, stackName?: string): Promise<RunStatus | undefined> {
  const deployment = await discoverDeployment(stackName ? { stackName } : {});
  const s3 = new S3Client(timedClientConfig("S3"));
  try {
    return (await new RunStatusStore(s3, deployment.bucket, 0).read(runId))?.status;
  } finally {
    s3.destroy();
  }
}
