import { describe, expect, it } from "vitest";
import { JobCancelledError, TaskFailedError } from "../../../driver/errors.ts";
import type { TaskInvoker } from "../../../driver/invoker/task-invoker.ts";
import { runTasks, StageStoppedError } from "../../../driver/scheduler/run-tasks.ts";
import type { StageTask, TaskResult } from "../../../shared/task.ts";
import { taskFailureError } from "../../../shared/errors.ts";
import { UserFunctionError } from "../../../shared/functions/compile.ts";

const tasks: StageTask[] = Array.from({ length: 20 }, (_, partition) => ({
  version: 2,
  appId: "app-t",
  stageId: 1,
  partition,
  attempt: 0,
  stage: { uri: "s3://b/apps/app-t/jobs/0/stages/stage-1.json", sha256: "0".repeat(64) },
  input: { kind: "files", files: [{ uri: `s3://b/part-${partition}.csv`, size: 10 }] },
  scratch: "s3://b/apps/app-t/",
  resultInlineMaxBytes: 1 << 20,
}));

const ok = (t: StageTask): TaskResult => ({
  status: "ok",
  version: 2,
  stageId: t.stageId,
  partition: t.partition,
  attempt: t.attempt,
  output: { kind: "rows", rows: [[t.partition]], bytes: 5 },
  metrics: {
    durationMs: 1,
    coldStart: false,
    recordsIn: 1,
    recordsOut: 1,
    spill: { bytes: 0, files: 0 },
    shuffle: { bytesWritten: 0, recordsWritten: 0, bytesRead: 0, recordsRead: 0 },
    scan: { rowGroups: 0, rowGroupsSkipped: 0, malformedRecords: 0 },
    bytesRead: 0,
    bytesWritten: 0,
    requests: { get: 1, put: 0, list: 0, head: 0, delete: 0 },
    peakMemoryBytes: 0,
  },
});

const fail = (t: StageTask, retryable: boolean): TaskResult => ({
  status: "error",
  version: 2,
  stageId: t.stageId,
  partition: t.partition,
  attempt: t.attempt,
  error: { type: retryable ? "Internal" : "BadInput", message: `boom in ${t.partition}`, retryable },
});

/** An in-process TaskInvoker whose behaviour each test scripts; it records every call. */
class ScriptedInvoker implements TaskInvoker {
  inFlight = 0;
  peak = 0;
  calls: StageTask[] = [];
  constructor(private readonly behave: (t: StageTask) => TaskResult) {}
  async invoke(task: StageTask): Promise<TaskResult> {
    this.calls.push(task);
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    await new Promise((r) => setTimeout(r, 2 + (task.partition % 3)));
    this.inFlight--;
    return this.behave(task);
  }
  async close() {}
}

const noBackoff = { backoffMs: () => 0 };

describe("runTasks", () => {
  it("never has more than maxConcurrency attempts in flight and returns results in partition order", async () => {
    const invoker = new ScriptedInvoker(ok);
    const results = await runTasks(tasks, invoker, { maxConcurrency: 3, maxFailures: 1 });
    expect(invoker.peak).toBe(3);
    expect(results.map((r) => r.partition)).toEqual(tasks.map((t) => t.partition));
  });

  it("retries a retryable failure with a new attempt number and succeeds", async () => {
    const invoker = new ScriptedInvoker((t) => (t.partition === 5 && t.attempt < 2 ? fail(t, true) : ok(t)));
    const results = await runTasks(tasks, invoker, { maxConcurrency: 4, maxFailures: 4, ...noBackoff });
    expect(results[5]!.attempt).toBe(2);
    expect(invoker.calls.filter((c) => c.partition === 5).map((c) => c.attempt)).toEqual([0, 1, 2]);
    expect(invoker.calls.length).toBe(tasks.length + 2);
  });

  it("gives up after maxFailures attempts, naming the partition, the input and the last error", async () => {
    const invoker = new ScriptedInvoker((t) => (t.partition === 7 ? fail(t, true) : ok(t)));
    const error = await runTasks(tasks, invoker, { maxConcurrency: 2, maxFailures: 3, ...noBackoff }).catch((e) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error.message).toBe(
      "Task 7 in stage 1 failed 3 time(s) (input s3://b/part-7.csv); last error [Internal]: boom in 7",
    );
    expect(invoker.calls.filter((c) => c.partition === 7).length).toBe(3);
  });

  it("fails at once on an error no retry can fix and stops launching new tasks", async () => {
    const invoker = new ScriptedInvoker((t) => (t.partition === 1 ? fail(t, false) : ok(t)));
    const error = await runTasks(tasks, invoker, { maxConcurrency: 2, maxFailures: 4, ...noBackoff }).catch((e) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).attempts).toBe(1);
    expect((error as TaskFailedError).type).toBe("BadInput");
    expect(invoker.calls.filter((c) => c.partition === 1).length).toBe(1);
    expect(invoker.calls.length).toBeLessThan(tasks.length);
  });

  it("decides retries by the category of the executor's error: a user error fails at once, an unclassified one retries up to maxFailures", async () => {
    const answer = (t: StageTask, error: unknown): TaskResult => ({ status: "error", version: 2, stageId: t.stageId, partition: t.partition, attempt: t.attempt, error: taskFailureError(error) });
    const userError = new ScriptedInvoker((t) => (t.partition === 2 ? answer(t, new UserFunctionError("map: the function threw")) : ok(t)));
    const failed = (await runTasks(tasks, userError, { maxConcurrency: 2, maxFailures: 4, ...noBackoff }).catch((e) => e)) as TaskFailedError;
    expect([failed.attempts, failed.category, failed.retryable]).toEqual([1, "user", false]);
    expect(userError.calls.filter((c) => c.partition === 2).length).toBe(1);

    const unknown = new ScriptedInvoker((t) => (t.partition === 4 ? answer(t, new TypeError("x is undefined")) : ok(t)));
    const gaveUp = (await runTasks(tasks, unknown, { maxConcurrency: 2, maxFailures: 3, ...noBackoff }).catch((e) => e)) as TaskFailedError;
    expect([gaveUp.attempts, gaveUp.category, gaveUp.type]).toEqual([3, "internal", "Internal"]);
    expect(unknown.calls.filter((c) => c.partition === 4).length).toBe(3);
  });

  it("trusts the category over the retryable word when both are sent", async () => {
    const inconsistent = (t: StageTask): TaskResult => ({ status: "error", version: 2, stageId: t.stageId, partition: t.partition, attempt: t.attempt, error: { type: "BadInput", category: "badInput", message: "bad row", retryable: true } });
    const invoker = new ScriptedInvoker((t) => (t.partition === 0 ? inconsistent(t) : ok(t)));
    const error = (await runTasks(tasks, invoker, { maxConcurrency: 1, maxFailures: 4, ...noBackoff }).catch((e) => e)) as TaskFailedError;
    expect([error.attempts, error.category]).toEqual([1, "badInput"]);
  });

  it("aborts the stage when an onSuccess check throws, and launches nothing more", async () => {
    const invoker = new ScriptedInvoker(ok);
    let seen = 0;
    const error = await runTasks(tasks, invoker, {
      maxConcurrency: 2,
      maxFailures: 1,
      onSuccess: () => {
        if (++seen === 3) throw new Error("too big");
      },
    }).catch((e: Error) => e);
    expect((error as Error).message).toBe("too big");
    expect(invoker.calls.length).toBeLessThanOrEqual(4);
  });

  it("runs nothing for an empty stage and rejects nonsensical limits", async () => {
    expect(await runTasks([], new ScriptedInvoker(ok), { maxConcurrency: 1, maxFailures: 1 })).toEqual([]);
    await expect(runTasks(tasks, new ScriptedInvoker(ok), { maxConcurrency: 0, maxFailures: 1 })).rejects.toThrow(RangeError);
  });
});

/** Partition `slow` takes `slowMs` on attempt 0 unless abandoned; everything else is quick. */
class StragglerInvoker implements TaskInvoker {
  calls: StageTask[] = [];
  abandoned: StageTask[] = [];
  constructor(private readonly slow: number, private readonly slowMs: number) {}
  async invoke(task: StageTask, signal?: AbortSignal): Promise<TaskResult> {
    this.calls.push(task);
    const ms = task.partition === this.slow && task.attempt === 0 ? this.slowMs : 5;
    const abandoned = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (abandoned) {
      this.abandoned.push(task);
      const abandonedResult: TaskResult = { status: "error", version: 2, stageId: task.stageId, partition: task.partition, attempt: task.attempt, error: { type: "Internal", message: "abandoned", retryable: true } };
      return abandonedResult;
    }
    return ok(task);
  }
  async close() {}
}

describe("speculative execution", () => {
  const speculation = { multiplier: 1.5, quantile: 0.75, minTaskRuntimeMs: 50, intervalMs: 10 };

  it("launches a second attempt of a straggler, takes the first to finish and abandons the other", async () => {
    const invoker = new StragglerInvoker(3, 30_000);
    const launched: [number, number][] = [];
    const results = await runTasks(tasks.slice(0, 8), invoker, {
      maxConcurrency: 8,
      maxFailures: 4,
      speculation,
      onSpeculativeLaunch: (t, attempt) => launched.push([t.partition, attempt]),
    });
    expect(launched).toEqual([[3, 1]]);
    expect(results.map((r) => r.attempt)).toEqual([0, 0, 0, 1, 0, 0, 0, 0]);
    expect(invoker.abandoned.map((t) => [t.partition, t.attempt])).toEqual([[3, 0]]);
  });

  it("does nothing without spark.speculation: the straggler's own attempt wins", async () => {
    const invoker = new StragglerInvoker(3, 300);
    const results = await runTasks(tasks.slice(0, 8), invoker, { maxConcurrency: 8, maxFailures: 4 });
    expect(results.map((r) => r.attempt)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(invoker.calls.length).toBe(8);
  });

  it("waits for the quantile of finished tasks, and keeps the original when the copy fails", async () => {
    // Half the tasks straggle: a copy may start only once 6 of the 8 (quantile 0.75) are done.
    let finished = 0;
    const slowHalf = new (class extends StragglerInvoker {
      override async invoke(task: StageTask, signal?: AbortSignal) {
        const result = await super.invoke({ ...task, partition: task.partition % 2 === 0 ? 3 : task.partition }, signal);
        if (result.status === "ok") finished++;
        return { ...result, partition: task.partition };
      }
    })(3, 200);
    const doneAtLaunch: number[] = [];
    await runTasks(tasks.slice(0, 8), slowHalf, { maxConcurrency: 8, maxFailures: 4, speculation, onSpeculativeLaunch: () => doneAtLaunch.push(finished) });
    for (const done of doneAtLaunch) expect(done).toBeGreaterThanOrEqual(6);
    // A copy that fails does not fail the task: the original finishes and wins.
    const copyFails = new (class extends StragglerInvoker {
      override async invoke(task: StageTask, signal?: AbortSignal) {
        return task.attempt > 0 ? fail(task, false) : super.invoke(task, signal);
      }
    })(3, 300);
    const results = await runTasks(tasks.slice(0, 8), copyFails, { maxConcurrency: 8, maxFailures: 4, speculation });
    expect(results[3]!.attempt).toBe(0);
  });
});

/** Each attempt runs `ms(partition, attempt)` unless abandoned; records launches and the most copies in flight at once. */
class TimedInvoker implements TaskInvoker {
  launches: [number, number][] = [];
  copiesInFlight = 0;
  peakCopies = 0;
  constructor(private readonly ms: (partition: number, attempt: number) => number) {}
  async invoke(task: StageTask, signal?: AbortSignal): Promise<TaskResult> {
    this.launches.push([task.partition, task.attempt]);
    const copy = task.attempt > 0;
    if (copy) this.peakCopies = Math.max(this.peakCopies, ++this.copiesInFlight);
    try {
      const abandoned = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), this.ms(task.partition, task.attempt));
        signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      return abandoned ? fail(task, true) : ok(task);
    } finally {
      if (copy) this.copiesInFlight--;
    }
  }
  async close() {}
}

/** A TimedInvoker whose chosen attempts fail at once (retryably). */
class FailingInvoker extends TimedInvoker {
  constructor(
    ms: (partition: number, attempt: number) => number,
    private readonly fails: (partition: number, attempt: number) => boolean,
  ) {
    super(ms);
  }
  override async invoke(task: StageTask, signal?: AbortSignal) {
    if (!this.fails(task.partition, task.attempt)) return super.invoke(task, signal);
    this.launches.push([task.partition, task.attempt]);
    return fail(task, true);
  }
}

describe("speculation from duration estimates (quantile 0: no waiting for most tasks to finish)", () => {
  const speculation = { multiplier: 1.5, quantile: 0, minTaskRuntimeMs: 10, intervalMs: 5 };
  const many = Array.from({ length: 40 }, (_, partition) => ({ ...tasks[0]!, partition }));

  it("copies a first-wave straggler while most tasks still wait to start, ahead of them", async () => {
    const invoker = new TimedInvoker((p, attempt) => (p === 1 && attempt === 0 ? 10_000 : 20));
    const started = performance.now();
    const results = await runTasks(many, invoker, { maxConcurrency: 4, maxFailures: 4, speculation });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(results[1]!.attempt).toBe(1);
    // The copy was launched before most originals: it went ahead of the tasks waiting for a lane.
    const copyAt = invoker.launches.findIndex(([p, a]) => p === 1 && a === 1);
    expect(copyAt).toBeGreaterThan(0);
    expect(copyAt).toBeLessThan(many.length / 2);
    expect(invoker.launches.filter(([p, a]) => p === 1 && a > 0)).toEqual([[1, 1]]);
  });

  it("copies again when the copy is slow as well, and two at a time once slots are idle", async () => {
    const slow = (p: number, attempt: number) => (p === 2 && attempt < 2 ? 10_000 : 20);
    // Tasks still waiting for a lane: one copy at a time; attempt 1 is slow too, so attempt 2 follows and wins.
    const one = new TimedInvoker(slow);
    const started = performance.now();
    const results = await runTasks(many, one, { maxConcurrency: 4, maxFailures: 4, speculation: { ...speculation, cap: 0.5 } });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(results[2]!.attempt).toBe(2);
    // (In the tail, a 20 ms task that a loaded machine runs past every finished one may be copied too.)
    expect(one.launches.filter(([p, a]) => p === 2 && a > 0)).toEqual([[2, 1], [2, 2]]);
    // Room for two: both copies go at once (the stage's tail, slots idle); the fast one wins.
    const two = new TimedInvoker(slow);
    const hedged = await runTasks(many.slice(0, 8), two, { maxConcurrency: 8, maxFailures: 4, speculation: { ...speculation, cap: 0.25 } });
    expect(hedged[2]!.attempt).toBe(2);
    expect(two.peakCopies).toBe(2);
  });

  it("starts every task of a stage within its hedging budget as two attempts, and the faster one wins", async () => {
    // Partition 2's first attempt would take 10 s; every other attempt 20 ms.
    const slow = (p: number, attempt: number) => (p === 2 && attempt === 0 ? 10_000 : 20);
    const hedged = new TimedInvoker(slow);
    const results = await runTasks(many.slice(0, 8), hedged, { maxConcurrency: 16, maxFailures: 4, speculation: { ...speculation, minTaskRuntimeMs: 60_000 }, hedgeCopies: 8 });
    // No speculation could copy partition 2 (minTaskRuntime 60 s): its hedge won.
    expect(results.map((r) => r.attempt)).toEqual([0, 0, 1, 0, 0, 0, 0, 0]);
    expect(hedged.launches.filter(([, a]) => a === 1).map(([p]) => p).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Each hedge is launched right after its original, before the next original.
    expect(hedged.launches.slice(0, 4)).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    // Outside the budget (more tasks than it allows), or without room for two attempts each: no hedges.
    for (const options of [{ maxConcurrency: 16, hedgeCopies: 7 }, { maxConcurrency: 15, hedgeCopies: 8 }]) {
      const plain = new TimedInvoker((_, attempt) => (attempt === 0 ? 20 : 10_000));
      const plainResults = await runTasks(many.slice(0, 8), plain, { ...options, maxFailures: 4, speculation: { ...speculation, minTaskRuntimeMs: 60_000 } });
      expect(plainResults.map((r) => r.attempt)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
      expect(plain.launches.length).toBe(8);
    }
  });

  it("drops the multiplier in a stage's tail: once no task waits for a slot, a task that has outrun the median is copied", async () => {
    // A multiplier of 1,000 would make the straggler wait 30 s for a copy; every task has started, so it need not.
    const tail = new TimedInvoker((p, attempt) => (p === 3 && attempt === 0 ? 10_000 : 30));
    const started = performance.now();
    const results = await runTasks(many.slice(0, 8), tail, { maxConcurrency: 8, maxFailures: 4, speculation: { ...speculation, multiplier: 1_000 } });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(results[3]!.attempt).toBe(1);
  });

  it("keeps the multiplier while tasks wait to start: the straggler's copy comes after the last original", async () => {
    const invoker = new TimedInvoker((p, attempt) => (p === 1 && attempt === 0 ? 2_000 : 20));
    const tasks24 = many.slice(0, 24);
    const results = await runTasks(tasks24, invoker, { maxConcurrency: 4, maxFailures: 4, speculation: { ...speculation, multiplier: 1_000 } });
    expect(results[1]!.attempt).toBe(1);
    const copyAt = invoker.launches.findIndex(([p, a]) => p === 1 && a === 1);
    const lastOriginal = invoker.launches.findIndex(([p, a]) => p === 23 && a === 0);
    expect(lastOriginal).toBeGreaterThan(0);
    expect(copyAt).toBeGreaterThan(lastOriginal);
  });

  it("is not in its tail while a task is still being made ready (a combiner waiting for its maps)", async () => {
    const invoker = new TimedInvoker((p, attempt) => (p === 0 && attempt === 0 ? 2_000 : 20));
    const four = many.slice(0, 4);
    const results = await runTasks(four, invoker, {
      maxConcurrency: 8,
      maxFailures: 4,
      speculation: { ...speculation, multiplier: 1_000 },
      prepare: async (index) => {
        if (index === 3) await new Promise((resolve) => setTimeout(resolve, 300));
        return four[index]!;
      },
    });
    expect(results[0]!.attempt).toBe(1);
    // Task 0 outran the median long before task 3 was ready, but was copied only after.
    expect(invoker.launches.findIndex(([p, a]) => p === 0 && a === 1)).toBeGreaterThan(invoker.launches.findIndex(([p]) => p === 3));
  });

  /** Eight tasks on 16 slots; tasks 6 and 7 are made ready `readyAfter` ms in. Returns when each attempt ("partition/attempt") was launched. */
  const runLateStarts = async (invoker: TimedInvoker, hedgeCopies: number, readyAfter: (index: number) => number) => {
    const eight = many.slice(0, 8);
    const startedAt = new Map<string, number>();
    const results = await runTasks(eight, invoker, {
      maxConcurrency: 16,
      maxFailures: 4,
      speculation,
      hedgeCopies,
      prepare: async (index) => {
        if (index >= 6) await new Promise((resolve) => setTimeout(resolve, readyAfter(index)));
        return eight[index]!;
      },
      onLaunch: (task) => startedAt.set(`${task.partition}/${task.attempt}`, performance.now()),
    });
    return { results, startedAt };
  };

  it("spends a stage's hedging budget in its tail on the tasks started last, before they outrun the median", async () => {
    // Six tasks of 400 ms finish first (the median); tasks 6 and 7 are made ready 450 ms in, so
    // they start young in the stage's tail. Their first attempts would take 4 s, their copies 20 ms.
    const run = async (hedgeCopies: number) => {
      const invoker = new TimedInvoker((p, attempt) => (p < 6 ? 400 : attempt === 0 ? 4_000 : 20));
      const { results, startedAt } = await runLateStarts(invoker, hedgeCopies, () => 450);
      expect(results.map((r) => r.attempt > 0)).toEqual([false, false, false, false, false, false, true, true]);
      expect(new Set(invoker.launches.filter(([, a]) => a > 0).map(([p]) => p))).toEqual(new Set([6, 7]));
      // How long each slow task's original had run when its (first) copy started.
      return [6, 7].map((p) => startedAt.get(`${p}/1`)! - startedAt.get(`${p}/0`)!).sort((a, b) => a - b);
    };
    // A budget of two (fewer than the stage's tasks: no hedging up front): both are copied young
    // (once they have run minTaskRuntime, 10 ms). Waiting means outrunning the median, 400 ms
    // (less a timer's early firing: a 400 ms timer may end 399.5 ms after it was set).
    const young = 200;
    const median = 399;
    const budgeted = await run(2);
    expect(budgeted[1]).toBeLessThan(young);
    // A budget of one: one of them; the other waits until the speculation test sees it outrun the median.
    const one = await run(1);
    expect(one[0]).toBeLessThan(young);
    expect(one[1]).toBeGreaterThanOrEqual(median);
    // No budget: both wait for the speculation test.
    expect((await run(0))[0]).toBeGreaterThanOrEqual(median);
  });

  it("starts every task as three attempts when the budget and the slots allow two copies each", async () => {
    // Partition 2's first two attempts would take 10 s; minTaskRuntime 60 s rules out speculation: only a hedge can win.
    const slow = (p: number, attempt: number) => (p === 2 && attempt < 2 ? 10_000 : 20);
    const triple = new TimedInvoker(slow);
    const started = performance.now();
    const results = await runTasks(many.slice(0, 8), triple, { maxConcurrency: 24, maxFailures: 4, speculation: { ...speculation, minTaskRuntimeMs: 60_000 }, hedgeCopies: 16 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(results[2]!.attempt).toBe(2);
    expect(triple.launches).toHaveLength(24);
    expect(triple.launches.slice(0, 3)).toEqual([[0, 0], [0, 1], [0, 2]]);
    // Budget for fewer than two copies each, or slots for fewer than three attempts each: two attempts (MAX_HEDGES caps it at three).
    for (const options of [{ maxConcurrency: 24, hedgeCopies: 15 }, { maxConcurrency: 23, hedgeCopies: 16 }, { maxConcurrency: 100, hedgeCopies: 100 }]) {
      const invoker = new TimedInvoker(() => 20);
      await runTasks(many.slice(0, 8), invoker, { ...options, maxFailures: 4, speculation: { ...speculation, minTaskRuntimeMs: 60_000 } });
      expect(invoker.launches).toHaveLength(options.maxConcurrency === 100 ? 24 : 16);
    }
  });

  it("budgets hedges apart from copies of stragglers: a task whose original and hedge are both slow still gets copies", async () => {
    // cap 2/16 of 16 slots: two straggler copies at a time, while eight hedges run. A third attempt
    // takes 5 ms: it ends before it could look slow itself.
    const slow = new TimedInvoker((p, attempt) => (p === 2 && attempt < 2 ? 10_000 : attempt >= 2 ? 5 : 20));
    const started = performance.now();
    const results = await runTasks(many.slice(0, 8), slow, { maxConcurrency: 16, maxFailures: 4, speculation: { ...speculation, cap: 2 / 16 }, hedgeCopies: 8 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect([2, 3]).toContain(results[2]!.attempt);
    expect(slow.launches.filter(([, a]) => a === 1)).toHaveLength(8);
    // Its hedge is as old and as slow as its original, so no attempt of it is fresh: the pair any task gets in the tail.
    expect(slow.launches.filter(([p, a]) => p === 2 && a >= 2)).toEqual([[2, 2], [2, 3]]);
  });

  it("judges a task with a budgeted copy by its own attempt's age, and gives it one more copy while the budgeted one is fresh", async () => {
    // Six tasks of 400 ms set the median. Task 6 starts at 450 ms, task 7 at 750 ms (the tail):
    // both get a budgeted copy then, task 6's when its original has run 300 ms. Task 6's
    // original and that copy would take 4 s; its next attempt 20 ms.
    const invoker = new TimedInvoker((p, attempt) => (p < 6 ? 400 : p === 7 ? 100 : attempt < 2 ? 4_000 : 20));
    const { results, startedAt } = await runLateStarts(invoker, 2, (index) => (index === 6 ? 450 : 750));
    expect(results[6]!.attempt).toBe(2);
    const at = (attempt: number) => startedAt.get(`6/${attempt}`)! - startedAt.get("6/0")!;
    expect(at(1)).toBeGreaterThanOrEqual(250);
    // Attempt 2 came once the original had outrun the median (400 ms), not once the budgeted copy
    // had (700 ms and more); and alone: the budgeted copy was still younger than the median.
    expect(at(2)).toBeGreaterThanOrEqual(399);
    expect(at(2)).toBeLessThan(650);
    expect(invoker.launches.filter(([p, a]) => p === 6 && a >= 2)).toEqual([[6, 2]]);
  });

  it("counts a budgeted copy that ended as none: a slow task then gets the tail's pair", async () => {
    // As above, but task 6's budgeted copy (attempt 1) fails at once: no fresh attempt is left.
    const invoker = new FailingInvoker((p, attempt) => (p < 6 ? 400 : p === 7 ? 100 : attempt < 2 ? 4_000 : 20), (p, attempt) => p === 6 && attempt === 1);
    const { results } = await runLateStarts(invoker, 2, (index) => (index === 6 ? 450 : 750));
    expect([2, 3]).toContain(results[6]!.attempt);
    expect(invoker.launches.filter(([p, a]) => p === 6 && a >= 1)).toEqual([[6, 1], [6, 2], [6, 3]]);
  });

  it("queues a pair of copies in a stage's tail even while every slot is busy: one frees soon, and a slow copy then costs no second wait", async () => {
    // Nine 20 ms tasks set the median; tasks 10-12 (300 ms) fill the slots beside task 0, a
    // straggler, once every task has started (a multiplier of 1,000 keeps task 0 from being copied
    // before: the tail drops it). Copies take 5 ms: none of them looks slow.
    const invoker = new TimedInvoker((p, attempt) => (attempt > 0 ? 5 : p === 0 ? 10_000 : p >= 10 ? 300 : 20));
    const started = performance.now();
    const results = await runTasks(many.slice(0, 13), invoker, { maxConcurrency: 4, maxFailures: 4, speculation: { ...speculation, multiplier: 1_000, cap: 0.5 } });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect([1, 2]).toContain(results[0]!.attempt);
    expect(invoker.launches.filter(([p, a]) => p === 0 && a > 0)).toEqual([[0, 1], [0, 2]]);
  });

  it("keeps at most cap x maxConcurrency copies in flight, however many tasks are slow", async () => {
    // Half the tasks straggle; copies take 60 ms each.
    const invoker = new TimedInvoker((p, attempt) => (attempt > 0 ? 60 : p % 2 === 0 ? 2_000 : 5));
    const results = await runTasks(many.slice(0, 20), invoker, { maxConcurrency: 20, maxFailures: 4, speculation });
    expect(results.filter((r, p) => p % 2 === 0 && r.attempt > 0).length).toBe(10);
    expect(invoker.peakCopies).toBeLessThanOrEqual(2);
    expect(invoker.peakCopies).toBeGreaterThan(0);
  });
});

describe("stopping a stage (options.stop)", () => {
  const six = Array.from({ length: 6 }, (_, partition) => ({ ...tasks[0]!, partition }));

  it("abandons the running attempts, launches and retries nothing more, and reports what had succeeded", async () => {
    // Tasks 4 and 5 would take 10 s; the stage is stopped once the other four are done.
    const invoker = new TimedInvoker((p) => (p >= 4 ? 10_000 : 20));
    const stop = new AbortController();
    let done = 0;
    const started = performance.now();
    const error = await runTasks(six, invoker, { maxConcurrency: 6, maxFailures: 4, stop: stop.signal, onSuccess: () => ++done === 4 && stop.abort() }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(StageStoppedError);
    const results = (error as StageStoppedError).results;
    expect(results.map((r) => r?.partition)).toEqual([0, 1, 2, 3, undefined, undefined]);
    // The two abandoned attempts were not retried.
    expect(invoker.launches).toHaveLength(6);
  });

  it("waits for nothing once stopped: tasks not started are never launched", async () => {
    const invoker = new TimedInvoker(() => 20);
    const stop = new AbortController();
    const error = await runTasks(six, invoker, { maxConcurrency: 2, maxFailures: 4, stop: stop.signal, onSuccess: () => stop.abort() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageStoppedError);
    expect(invoker.launches.length).toBeLessThan(6);
  });

  it("does not wait out a retry's backoff, nor report the stop as a failure", async () => {
    // Task 2 fails (retryably) and would wait 10 s before its next attempt; the stage is stopped meanwhile.
    const invoker = new (class extends TimedInvoker {
      override async invoke(task: StageTask, signal?: AbortSignal) {
        return task.partition === 2 ? fail(task, true) : super.invoke(task, signal);
      }
    })(() => 20);
    const stop = new AbortController();
    const started = performance.now();
    const stopping = setTimeout(() => stop.abort(), 200);
    const error = await runTasks(six, invoker, { maxConcurrency: 6, maxFailures: 4, backoffMs: () => 10_000, stop: stop.signal }).catch((e: unknown) => e);
    clearTimeout(stopping);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(StageStoppedError);
    expect((error as StageStoppedError).results.map((r) => r?.partition)).toEqual([0, 1, undefined, 3, 4, 5]);
  });

  it("ends a retry's backoff when another attempt of the task wins, the job is cancelled or the stage fails", async () => {
    // Task 2's original fails at once and would wait 10 s to retry; its hedge succeeds in 50 ms.
    const hedged = new FailingInvoker((p, attempt) => (p === 2 && attempt === 1 ? 50 : 20), (p, attempt) => p === 2 && attempt === 0);
    let started = performance.now();
    const results = await runTasks(six, hedged, { maxConcurrency: 12, maxFailures: 4, backoffMs: () => 10_000, speculation: { multiplier: 1.5, quantile: 0, minTaskRuntimeMs: 60_000, intervalMs: 5 }, hedgeCopies: 6 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(results[2]!.attempt).toBe(1);
    // Cancelled while task 2 waits to retry: the stage ends at once, cancelled.
    const cancel = new AbortController();
    const failing = new FailingInvoker(() => 20, (p) => p === 2);
    started = performance.now();
    const cancelling = setTimeout(() => cancel.abort(), 200);
    const error = await runTasks(six, failing, { maxConcurrency: 6, maxFailures: 4, backoffMs: () => 10_000, signal: cancel.signal }).catch((e: unknown) => e);
    clearTimeout(cancelling);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(JobCancelledError);
    // Task 4 fails for good (bad input) 100 ms in, while task 2 waits to retry: the stage fails at once.
    const doomed = new (class extends TimedInvoker {
      override async invoke(task: StageTask, signal?: AbortSignal) {
        if (task.partition === 2) return fail(task, true);
        if (task.partition !== 4) return super.invoke(task, signal);
        await new Promise((resolve) => setTimeout(resolve, 100));
        return fail(task, false);
      }
    })(() => 20);
    started = performance.now();
    const failed = await runTasks(six, doomed, { maxConcurrency: 6, maxFailures: 4, backoffMs: () => 10_000 }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(failed).toBeInstanceOf(TaskFailedError);
    expect((failed as TaskFailedError).message).toMatch(/boom in 4/);
  });

  it("returns the results as usual when every task had succeeded", async () => {
    const invoker = new TimedInvoker(() => 20);
    const stop = new AbortController();
    let done = 0;
    const results = await runTasks(six, invoker, { maxConcurrency: 6, maxFailures: 4, stop: stop.signal, onSuccess: () => ++done === 6 && stop.abort() });
    expect(results.map((r) => r.partition)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe("task deadline", () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Waits `queuedMs` (a free slot, a worker starting) before the attempt starts, then runs `runMs` unless abandoned. */
  class QueuedInvoker implements TaskInvoker {
    launches = 0;
    constructor(
      private readonly queuedMs: number,
      private readonly runMs: number,
    ) {}
    async invoke(task: StageTask, signal?: AbortSignal, onStart?: () => void): Promise<TaskResult> {
      this.launches++;
      await sleep(this.queuedMs);
      if (signal?.aborted) return fail(task, true);
      onStart?.();
      return new Promise((resolve) => {
        const done = setTimeout(() => resolve(ok(task)), this.runMs);
        signal?.addEventListener("abort", () => {
          clearTimeout(done);
          resolve(fail(task, true));
        });
      });
    }
    async close(): Promise<void> {}
  }

  it("counts from when the attempt starts, not from its launch: waiting is not running", async () => {
    const invoker = new QueuedInvoker(150, 20);
    const results = await runTasks(tasks.slice(0, 2), invoker, { maxConcurrency: 2, maxFailures: 1, taskTimeoutMs: 100 });
    expect(results.map((r) => r.partition)).toEqual([0, 1]);
    expect(invoker.launches).toBe(2);
  });

  it("still abandons an attempt that runs past it", async () => {
    const invoker = new QueuedInvoker(0, 5_000);
    await expect(runTasks(tasks.slice(0, 1), invoker, { maxConcurrency: 1, maxFailures: 2, taskTimeoutMs: 50, backoffMs: () => 0 })).rejects.toThrow(/failed 2 time/);
    expect(invoker.launches).toBe(2);
  });
});
