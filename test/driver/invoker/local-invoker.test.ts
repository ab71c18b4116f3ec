/**
 * The local[N] invoker's worker threads, with payloads the executor refuses at once (an
 * "InvalidTask" answer): what matters here is which worker runs what, and when.
 */
import { afterEach, expect, it } from "vitest";
import { LocalTaskInvoker } from "../../../driver/invoker/local-invoker.ts";
import type { StageTask, TaskResult } from "../../../shared/task.ts";

const refused = (n: number) => ({ version: 2, stageId: 0, partition: n }) as unknown as StageTask;
const errorType = (result: TaskResult) => (result.status === "error" ? result.error.type : "ok");

let invoker: LocalTaskInvoker | undefined;
afterEach(async () => {
  await invoker?.close();
  invoker = undefined;
});

it("does not let a late abort of a finished attempt kill the worker that runs the next task", async () => {
  invoker = new LocalTaskInvoker(1);
  const first = new AbortController();
  expect(errorType(await invoker.invoke(refused(0), first.signal))).toBe("InvalidTask");
  // As when a speculative copy wins just after this attempt answered.
  first.abort("another attempt of this task finished first");
  const next = await invoker.invoke(refused(1));
  expect(next.status === "error" && next.error.message).toMatch(/^invalid task payload/);
});

it("starts an attempt (onStart, the deadline's start) only once its worker has loaded", async () => {
  invoker = new LocalTaskInvoker(1);
  const invoked = performance.now();
  let started: number | undefined;
  const result = await invoker.invoke(refused(0), undefined, () => (started = performance.now()));
  const answered = performance.now();
  expect(errorType(result)).toBe("InvalidTask");
  expect(started).toBeDefined();
  // Loading the executor code takes far longer than refusing a payload.
  expect(answered - started!).toBeLessThan(started! - invoked);
});
