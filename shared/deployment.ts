/** Names shared by the CDK stack and the driver that discovers it. */

export const DEFAULT_STACK_NAME = "Sparkfn";

/** CloudFormation output keys of the stack; the driver reads them to find its resources. */
export const STACK_OUTPUTS = {
  bucket: "BucketName",
  executorFunction: "ExecutorFunctionName",
} as const;
