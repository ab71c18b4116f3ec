import { describe, expect, it } from "vitest";
import { LimitedInvoker } from "../../../driver/invoker/limited-invoker.ts";
import type { TaskInvoker } from "../../../driver/invoker/task-invoker.ts";
import type { StageTask, TaskResult } from "../../../shared/task.ts";

const task = (stageId: number, partition: number) => ({ stageId, partition, attempt: 0 }) as StageTask;

class Counting implements TaskInvoker {
  inFlight = 0;
  peak = 0;
  async invoke(t: StageTask): Promise<TaskResult> {
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    await new Promise((r) => setTimeout(r, 5));
    this.inFlight--;
    return { status: "error", version: 2, stageId: t.stageId, partition: t.partition, attempt: 0, error: { type: "Internal", message: "done", retryable: true } };
  }
  async close() {}
}

describe("LimitedInvoker", () => {
  it("bounds attempts in flight across callers (two stages at once)", async () => {
    const inner = new Counting();
    const limited = new LimitedInvoker(inner, 3);
    await Promise.all([0, 1].flatMap((stage) => Array.from({ length: 10 }, (_, p) => limited.invoke(task(stage, p)))));
    expect(inner.peak).toBe(3);
  });

  it("gives up a waiting attempt when its signal aborts, without running it", async () => {
    const inner = new Counting();
    const limited = new LimitedInvoker(inner, 1);
    const first = limited.invoke(task(0, 0));
    const controller = new AbortController();
    const second = limited.invoke(task(0, 1), controller.signal);
    controller.abort("stop");
    expect(await second).toMatchObject({ status: "error", error: { message: "task attempt abandoned before it started: stop", retryable: true } });
    await first;
    expect(inner.peak).toBe(1);
  });
});
