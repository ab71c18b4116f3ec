import { describe, expect, it } from "vitest";
import { faultInjector, scheduledFault } from "../../../driver/scheduler/test-faults.ts";
import { UserError } from "../../../shared/errors.ts";
import { TaskFault, type StageTask } from "../../../shared/task.ts";

const task = (stageId: number, partition: number, combiner = false) =>
  ({ stageId, partition, input: combiner ? { kind: "combine", objects: { kind: "inline", uris: [] }, from: 0, count: 1, partitions: 1, index: "" } : { kind: "range", start: 0, end: 1, step: 1 } }) as StageTask;
const ALL = [...TaskFault.options];

describe("seeded fault schedule", () => {
  const decide = (seed: number, rate: number, attempt = 0, maxFailures = 4) =>
    Array.from({ length: 5000 }, (_, i) => scheduledFault({ seed, rate, kinds: ALL }, i % 7, Math.floor(i / 7), attempt, maxFailures));

  it("decides the same way for the same seed, and differently for another", () => {
    expect(decide(7, 0.1)).toEqual(decide(7, 0.1));
    expect(decide(8, 0.1)).not.toEqual(decide(7, 0.1));
  });

  it("faults about `rate` of the attempts, spread over the kinds", () => {
    const faults = decide(3, 0.1).filter((f) => f !== undefined);
    expect(faults.length / 5000).toBeGreaterThan(0.085);
    expect(faults.length / 5000).toBeLessThan(0.115);
    for (const kind of ALL) expect(faults.filter((f) => f === kind).length).toBeGreaterThan(30);
    // Only the kinds asked for.
    expect(new Set(Array.from({ length: 2000 }, (_, i) => scheduledFault({ seed: 1, rate: 1, kinds: ["hang", "exit"] }, 0, i, 0, 4)))).toEqual(new Set(["hang", "exit"]));
  });

  it("never faults an attempt numbered maxFailures - 1 or later, so faults alone cannot fail a task", () => {
    expect(decide(3, 1, 2).every((f) => f !== undefined)).toBe(true);
    expect(decide(3, 1, 3).every((f) => f === undefined)).toBe(true);
    expect(decide(3, 1, 9).every((f) => f === undefined)).toBe(true);
    expect(decide(3, 1, 0, 1).every((f) => f === undefined)).toBe(true);
  });
});

describe("sparkfn.test.faults", () => {
  it("is off when unset or empty", () => {
    expect(faultInjector(undefined, 4)).toBeUndefined();
    expect(faultInjector(" ", 4)).toBeUndefined();
    expect(faultInjector("[]", 4)).toBeUndefined();
  });

  it("takes a list of exact attempts", () => {
    const faultFor = faultInjector(JSON.stringify([{ stage: 1, partition: 2, attempt: 0, kind: "throw" }]), 4)!;
    expect(faultFor(task(1, 2), 0)).toBe("throw");
    expect(faultFor(task(1, 2), 1)).toBeUndefined();
    expect(faultFor(task(0, 2), 0)).toBeUndefined();
    // A fault of a task is not its combiner's, and one marked `combiner` is the combiner's only.
    expect(faultFor(task(1, 2, true), 0)).toBeUndefined();
    const combinerFault = faultInjector(JSON.stringify([{ stage: 1, partition: 2, attempt: 0, kind: "loseOutput", combiner: true }]), 4)!;
    expect(combinerFault(task(1, 2, true), 0)).toBe("loseOutput");
    expect(combinerFault(task(1, 2), 0)).toBeUndefined();
  });

  it("takes a seeded schedule, with every kind by default and the session's maxFailures", () => {
    const faultFor = faultInjector(JSON.stringify({ seed: 5, rate: 1 }), 2)!;
    expect(TaskFault.options).toContain(faultFor(task(0, 0), 0));
    expect(faultFor(task(0, 0), 0)).toBe(scheduledFault({ seed: 5, rate: 1 }, 0, 0, 0, 2));
    expect(faultFor(task(0, 0), 1)).toBeUndefined();
  });

  it("refuses what it cannot read, naming the setting and the field", () => {
    const refusal = (json: string) => {
      try {
        faultInjector(json, 4);
      } catch (error) {
        expect(error).toBeInstanceOf(UserError);
        return (error as Error).message;
      }
      throw new Error(`accepted ${json}`);
    };
    expect(refusal("{seed: 1")).toMatch(/^sparkfn\.test\.faults is not JSON .*: give a list of \{stage, partition, attempt, kind\} or a schedule \{seed, rate, kinds\}/);
    expect(refusal(JSON.stringify([{ stage: 0, partition: 0, attempt: 0, kind: "explode" }]))).toMatch(/^sparkfn\.test\.faults is not a list of \{stage, partition, attempt, kind\}: 0\.kind: /);
    expect(refusal(JSON.stringify({ seed: 1, rate: 0 }))).toMatch(/^sparkfn\.test\.faults is not a schedule \{seed, rate, kinds\} \(kinds from throw, exit, .*\): rate: /);
    expect(refusal(JSON.stringify({ seed: 1, rate: 0.1, kinds: ["boom"] }))).toMatch(/kinds\.0: /);
    expect(refusal(JSON.stringify({ seed: 1, rate: 0.1, every: 3 }))).toMatch(/Unrecognized key/);
  });
});
