/** Names shared by the CDK stack and the driver that discovers it. */

export const DEFAULT_STACK_NAME = "Sparkfn";

/** CloudFormation output keys of the stack; the driver reads them to find its resources. */
export const STACK_OUTPUTS = {
  bucket: "BucketName",
  executorFunction: "ExecutorFunctionName",
  /** Batch jobs (when the stack has a driver function): the queue to send job messages to, and its dead-letter queue. */
  jobQueueUrl: "JobQueueUrl",
  deadLetterQueueUrl: "JobDeadLetterQueueUrl",
  driverFunction: "DriverFunctionName",
} as const;
