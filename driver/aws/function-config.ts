/**
 * What the driver needs to know of the deployed executor function: its timeout (to choose how
 * long an invocation may wait for its answer) and its memory (cost estimates, memory budgets).
 *
 * The invoke timeout (`sparkfn.lambda.invokeTimeout`) must exceed the function's own timeout,
 * since a task may legitimately run that long; by default it is the function's timeout plus
 * INVOKE_TIMEOUT_MARGIN_MS (the time for Lambda to report a timed-out function), or Lambda's
 * 15-minute maximum plus that margin when the function's settings cannot be read.
 */
import { GetFunctionConfigurationCommand, type LambdaClient } from "@aws-sdk/client-lambda";

/** Added to the function's timeout: the runtime's answer about a timed-out function must still arrive. */
export const INVOKE_TIMEOUT_MARGIN_MS = 30_000;

/** Lambda's longest function timeout (15 minutes). */
export const LAMBDA_MAX_TIMEOUT_MS = 900_000;

export interface FunctionSettings {
  readonly timeoutMs: number;
  readonly memoryMiB: number;
}

/** The function's timeout and memory, or undefined when they cannot be read (no permission, an emulator without the API). */
export async function readFunctionSettings(client: LambdaClient, functionName: string): Promise<FunctionSettings | undefined> {
  try {
    const out = await client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    if (!out.Timeout) return undefined;
    return { timeoutMs: out.Timeout * 1000, memoryMiB: out.MemorySize ?? 0 };
  } catch {
    return undefined;
  }
}

/** How long one invocation may wait: the configured value (checked against the function's timeout), or one derived from it. */
export function chooseInvokeTimeoutMs(functionName: string, configuredMs: number | undefined, functionTimeoutMs: number | undefined): number {
  if (configuredMs === undefined) return (functionTimeoutMs ?? LAMBDA_MAX_TIMEOUT_MS) + INVOKE_TIMEOUT_MARGIN_MS;
  if (!(configuredMs > 0)) {
    throw new Error(`sparkfn.lambda.invokeTimeout must be a duration above 0 (e.g. 16m), not ${configuredMs} ms; or leave it unset to derive it from the executor function's timeout.`);
  }
  if (functionTimeoutMs !== undefined && configuredMs <= functionTimeoutMs) {
    throw new Error(
      `sparkfn.lambda.invokeTimeout is ${configuredMs} ms, but the executor function ${functionName} may run for ${functionTimeoutMs} ms: ` +
        `a task still running would be cut off and retried. Set it above ${functionTimeoutMs} ms (e.g. ${functionTimeoutMs + INVOKE_TIMEOUT_MARGIN_MS}ms), ` +
        "or leave it unset to derive it from the function; to abandon slow tasks sooner, set sparkfn.task.timeout.",
    );
  }
  return configuredMs;
}
