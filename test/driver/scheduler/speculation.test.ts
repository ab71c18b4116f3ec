/**
 * The speculation estimates (driver/scheduler/speculation.ts) against a Kaplan–Meier curve and
 * a remaining-time integral computed here from their definitions (every observation checked
 * at every time, the integral summed on a fine grid), and the copy choices they lead to.
 */
import { describe, expect, it } from "vitest";
import { DurationEstimate, expectedRemaining, FinishedDurations, medianOf, survivalCurve, type RunningTask, type SpeculationPolicy } from "../../../driver/scheduler/speculation.ts";
import { seededRandom } from "../../../shared/random.ts";

/** S(t) from the definition: the product over event times u ≤ t of 1 - (events at u) / (observations ≥ u). */
function referenceSurvival(finished: readonly number[], censored: readonly number[], t: number): number {
  const all = [...finished, ...censored];
  let s = 1;
  for (const u of [...new Set(finished)].sort((a, b) => a - b)) {
    if (u > t) break;
    const events = finished.filter((d) => d === u).length;
    const atRisk = all.filter((d) => d >= u).length;
    s *= 1 - events / atRisk;
  }
  return s;
}

/** One look's copies: the estimate built from these observations, asked once. */
const copiesOf = (finished: FinishedDurations, abandoned: readonly number[], running: readonly RunningTask[], eligible: (index: number) => boolean, policy: SpeculationPolicy, room: number) =>
  new DurationEstimate(finished, abandoned, running).copies(eligible, policy, room);

const sorted = (values: readonly number[]) => {
  const f = new FinishedDurations();
  for (const v of values) f.add(v);
  return f;
};

describe("Kaplan–Meier estimate of task durations", () => {
  it("keeps finished durations sorted as they arrive", () => {
    const random = seededRandom(7);
    const values = Array.from({ length: 300 }, () => Math.round(random() * 50));
    expect([...sorted(values).sorted()]).toEqual([...values].sort((a, b) => a - b));
  });

  it("matches the definition, with ties and censored observations before, at and after events", () => {
    const random = seededRandom(11);
    for (let round = 0; round < 30; round++) {
      const finished = Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.round(random() * 30));
      const censored = Array.from({ length: Math.floor(random() * 40) }, () => Math.round(random() * 30));
      const curve = survivalCurve(sorted(finished).sorted(), censored);
      expect([...curve.times]).toEqual([...new Set(finished)].sort((a, b) => a - b));
      curve.times.forEach((t, k) => expect(curve.survival[k]).toBeCloseTo(referenceSurvival(finished, censored, t), 12));
    }
  });

  it("has no median until the estimated survival falls to one half, counting running tasks", () => {
    // One of ten done: survival 0.9, no median yet, however quick that one was.
    expect(medianOf(survivalCurve(sorted([10]).sorted(), new Array(9).fill(20)))).toBeUndefined();
    // Without the running tasks the same finished durations would give a median of 10.
    expect(medianOf(survivalCurve(sorted([10, 11, 12]).sorted(), []))).toBe(11);
    // Six tasks: survival 5/6, then 4/6 (no median); a third finished task takes it to 3/6.
    expect(medianOf(survivalCurve(sorted([10, 11]).sorted(), [50, 50, 50, 50]))).toBeUndefined();
    expect(medianOf(survivalCurve(sorted([10, 11, 12]).sorted(), [50, 50, 50]))).toBe(12);
  });

  it("gives the expected remaining time as the area under the curve past the elapsed time, over the survival there", () => {
    const random = seededRandom(5);
    const finished = Array.from({ length: 60 }, () => 50 + Math.floor(random() * 150));
    const censored = Array.from({ length: 20 }, () => Math.floor(random() * 250));
    const curve = survivalCurve(sorted(finished).sorted(), censored);
    const last = Math.max(...finished);
    const horizon = Math.max(...censored);
    const S = (t: number) => referenceSurvival(finished, censored, t);
    for (const elapsed of [0, 37.5, 60, 120, 180]) {
      // Riemann sum of S on [elapsed, max(last, horizon)] (S past the last event is its last value).
      const step = 0.01;
      let area = 0;
      for (let t = elapsed; t < Math.max(last, horizon); t += step) area += S(t) * step;
      expect(expectedRemaining(curve, elapsed, horizon)).toBeCloseTo(area / S(elapsed), 0);
    }
    // A task that has outlived every finished one while others still run: nothing says when it ends.
    expect(expectedRemaining(curve, last + 1, horizon)).toBe(Infinity);
  });
});

describe("choosing tasks to copy", () => {
  const policy = { multiplier: 1.5, minTaskRuntimeMs: 10 };
  const always = () => true;

  it("copies nothing before a median can be estimated", () => {
    expect(copiesOf(new FinishedDurations(), [], [{ index: 0, elapsedMs: 1000 }], always, policy, 10)).toEqual([]);
    expect(copiesOf(sorted([10]), [], Array.from({ length: 9 }, (_, index) => ({ index, elapsedMs: 500 })), always, policy, 10)).toEqual([]);
  });

  it("copies a task slow past the multiplier when slow tasks run long, longest-running first, within the room", () => {
    // 95 tasks of 50-149 ms and 5 of 1,000 ms done: a task at 300 ms is likely one of the slow ones.
    const finished = sorted([...Array.from({ length: 95 }, (_, i) => 50 + i), 1000, 1000, 1000, 1000, 1000]);
    const running = [
      { index: 1, elapsedMs: 120 },
      { index: 2, elapsedMs: 300 },
      { index: 3, elapsedMs: 450 },
      { index: 4, elapsedMs: 250 },
    ];
    expect(copiesOf(finished, [], running, always, policy, 10)).toEqual([3, 2, 4]);
    expect(copiesOf(finished, [], running, always, policy, 2)).toEqual([3, 2]);
    expect(copiesOf(finished, [], running, (i) => i !== 3, policy, 2)).toEqual([2, 4]);
    expect(copiesOf(finished, [], running, always, policy, 0)).toEqual([]);
  });

  it("leaves alone a task past the multiplier that is expected to end sooner than a copy would (Spark's rule alone would copy it)", () => {
    // Durations spread evenly over 50-200 ms, none longer: a task at 190 ms has about 5 ms left.
    const finished = sorted(Array.from({ length: 151 }, (_, i) => 50 + i));
    const median = 125;
    expect(190).toBeGreaterThan(policy.multiplier * median);
    expect(copiesOf(finished, [], [{ index: 0, elapsedMs: 190 }], always, policy, 10)).toEqual([]);
    // Past every finished duration it is copied: nothing observed says when it ends.
    expect(copiesOf(finished, [], [{ index: 0, elapsedMs: 230 }], always, policy, 10)).toEqual([0]);
  });

  it("counts attempts abandoned to a copy as running at least that long, so copied stragglers still make the tail long", () => {
    // Stragglers were copied and their copies won: the finished durations alone show no tail.
    const finished = sorted([...Array.from({ length: 95 }, (_, i) => 50 + i), 150, 160, 170, 180, 190]);
    const running = [{ index: 0, elapsedMs: 185 }];
    expect(copiesOf(finished, [], running, always, policy, 10)).toEqual([]);
    // Their originals had run 400-600 ms when they were abandoned: a task at 185 ms may be one of them.
    expect(copiesOf(finished, [400, 450, 500, 550, 600], running, always, policy, 10)).toEqual([0]);
  });

  it("says of any attempt's age whether it is slow by the same test (a budgeted copy: fresh, or slow as well)", () => {
    const finished = sorted([...Array.from({ length: 95 }, (_, i) => 50 + i), 1000, 1000, 1000, 1000, 1000]);
    // Task 0's original has run 2.5 s; its budgeted copy, some age up to that.
    const original = { index: 0, elapsedMs: 2500 };
    const estimate = new DurationEstimate(finished, [], [original]);
    for (const elapsedMs of [5, 120, 250, 300, 450, 2000]) {
      const asTask = new DurationEstimate(finished, [], [original, { index: 1, elapsedMs }]).copies(always, policy, 10);
      expect(estimate.slow(elapsedMs, policy)).toBe(asTask.includes(1));
    }
    expect(estimate.slow(120, policy)).toBe(false);
    expect(estimate.slow(300, policy)).toBe(true);
    expect(new DurationEstimate(new FinishedDurations(), [], []).slow(10_000, policy)).toBe(false);
  });
});

describe("budgeted copies in a stage's tail", () => {
  const always = () => true;
  // Durations spread evenly over 50-200 ms: the median is 125 ms.
  const finished = sorted(Array.from({ length: 151 }, (_, i) => 50 + i));
  const running = [
    { index: 1, elapsedMs: 120 },
    { index: 2, elapsedMs: 5 },
    { index: 3, elapsedMs: 300 },
    { index: 4, elapsedMs: 60 },
    { index: 5, elapsedMs: 140 },
  ];

  it("go to the tasks younger than the median, youngest first, within the room", () => {
    expect(new DurationEstimate(finished, [], running).young(always, 1, 10)).toEqual([2, 4, 1]);
    expect(new DurationEstimate(finished, [], running).young(always, 1, 2)).toEqual([2, 4]);
    expect(new DurationEstimate(finished, [], running).young((i) => i !== 2, 1, 2)).toEqual([4, 1]);
    expect(new DurationEstimate(finished, [], running).young(always, 1, 0)).toEqual([]);
  });

  it("leave alone a task younger than minTaskRuntime", () => {
    expect(new DurationEstimate(finished, [], running).young(always, 10, 10)).toEqual([4, 1]);
  });

  it("wait for a median", () => {
    expect(new DurationEstimate(new FinishedDurations(), [], running).young(always, 1, 10)).toEqual([]);
    // One task done at 10 ms and nine running longer: the survival never falls to one half.
    expect(new DurationEstimate(sorted([10]), [], Array.from({ length: 9 }, (_, index) => ({ index, elapsedMs: 50 }))).young(always, 1, 10)).toEqual([]);
  });
});
