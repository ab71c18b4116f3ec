/**
 * Which running tasks deserve a speculative copy (the LATE idea: Zaharia et al., "Improving
 * MapReduce Performance in Heterogeneous Environments", OSDI 2008), estimated from the stage's
 * own tasks without waiting for most of them to finish.
 *
 * Durations are estimated with the Kaplan–Meier estimator: a finished task's duration is an
 * observation, a running task's elapsed time a censored one (it will take at least that
 * long). Early in a stage the finished tasks are the quick ones; counting the running tasks
 * as censored keeps that from biasing the median down, so the estimate is usable once the
 * estimated survival passes one half, not after 75% of the stage is done.
 *
 * A running attempt is copied when it has run longer than `multiplier` x the estimated median
 * (and `minTaskRuntimeMs`), and its expected remaining time given how long it has already run,
 * E[T - e | T > e], exceeds what a fresh copy is expected to take (the median): a task
 * expected to end soon is left alone. Candidates come longest-running first (with no progress
 * reports from executors, the one expected to finish last), and at most `cap` x the stage's
 * concurrency copies are in flight at once (LATE's SpeculativeCap).
 */

/** Sorted durations of finished tasks, kept sorted as tasks finish. */
export class FinishedDurations {
  private values = new Float64Array(64);
  private n = 0;

  get size(): number {
    return this.n;
  }

  add(ms: number): void {
    if (this.n === this.values.length) {
      const grown = new Float64Array(this.n * 2);
      grown.set(this.values);
      this.values = grown;
    }
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.values[mid]! <= ms) lo = mid + 1;
      else hi = mid;
    }
    this.values.copyWithin(lo + 1, lo, this.n);
    this.values[lo] = ms;
    this.n++;
  }

  sorted(): Float64Array {
    return this.values.subarray(0, this.n);
  }
}

/**
 * The Kaplan–Meier survival curve of task durations: `times` are the distinct finished
 * durations in ascending order, `survival[k]` the estimated P(T > times[k]).
 */
export interface SurvivalCurve {
  readonly times: Float64Array;
  readonly survival: Float64Array;
}

/** Builds the curve from sorted finished durations and (any order) censored elapsed times. */
export function survivalCurve(finished: Float64Array, censored: readonly number[]): SurvivalCurve {
  const running = Float64Array.from(censored).sort();
  const times = new Float64Array(finished.length);
  const survival = new Float64Array(finished.length);
  let atRisk = finished.length + running.length;
  let s = 1;
  let k = 0;
  let c = 0;
  for (let i = 0; i < finished.length; ) {
    const t = finished[i]!;
    // A task censored before t is no longer at risk at t (ties: an event at t comes first).
    while (c < running.length && running[c]! < t) {
      atRisk--;
      c++;
    }
    let events = 0;
    while (i < finished.length && finished[i] === t) {
      events++;
      i++;
    }
    s *= 1 - events / atRisk;
    atRisk -= events;
    times[k] = t;
    survival[k] = s;
    k++;
  }
  return { times: times.subarray(0, k), survival: survival.subarray(0, k) };
}

/** The estimated median duration: the first time survival falls to one half; undefined before it does. */
export function medianOf(curve: SurvivalCurve): number | undefined {
  for (let k = 0; k < curve.times.length; k++) if (curve.survival[k]! <= 0.5) return curve.times[k]!;
  return undefined;
}

/**
 * E[T - e | T > e]: the expected remaining time of a task that has run `elapsed`, from the
 * curve (the area under it past `elapsed`, over the survival at `elapsed`). Past the last
 * finished duration the curve is unknown: the area is cut at `horizon` (the longest time an
 * unfinished attempt is known to have run: a restricted mean, so a lower bound), and a task that has outlived
 * every finished one gets Infinity, as nothing observed says when it ends.
 */
export function expectedRemaining(curve: SurvivalCurve, elapsed: number, horizon: number): number {
  const { times, survival } = curve;
  const last = times.length - 1;
  if (last < 0 || elapsed >= times[last]!) return last >= 0 && survival[last] === 0 ? 0 : Infinity;
  // lo: the first event after `elapsed`; survival up to it is that of the event before.
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= elapsed) lo = mid + 1;
    else hi = mid;
  }
  const atElapsed = lo === 0 ? 1 : survival[lo - 1]!;
  if (atElapsed === 0) return 0;
  let area = (times[lo]! - elapsed) * atElapsed;
  for (let k = lo; k < last; k++) area += (times[k + 1]! - times[k]!) * survival[k]!;
  area += Math.max(0, horizon - times[last]!) * survival[last]!;
  return area / atElapsed;
}

export interface SpeculationPolicy {
  readonly multiplier: number;
  readonly minTaskRuntimeMs: number;
}

/** A running attempt: which task, and how long it has run. */
export interface RunningTask {
  readonly index: number;
  readonly elapsedMs: number;
}

/**
 * The stage's duration estimate at one look (one tick of the monitor): built at most once, when
 * some running task is a candidate, and shared by every choice made then (the tail's budgeted
 * copies and the copies of stragglers). `abandoned`: how long each attempt that lost to another
 * had run (censored observations, as they would have run longer: leaving them out would make
 * the long tail look short). `running` holds every running task with how long its latest
 * attempt has run (censored observations).
 */
export class DurationEstimate {
  private estimate: { readonly curve: SurvivalCurve; readonly median: number | undefined; readonly horizon: number } | undefined;

  constructor(
    private readonly finished: FinishedDurations,
    private readonly abandoned: readonly number[],
    private readonly running: readonly RunningTask[],
  ) {}

  private built() {
    if (!this.estimate) {
      const elapsed = this.running.map((r) => r.elapsedMs);
      const curve = survivalCurve(this.finished.sorted(), [...this.abandoned, ...elapsed]);
      let horizon = 0;
      for (const e of elapsed) horizon = Math.max(horizon, e);
      for (const e of this.abandoned) horizon = Math.max(horizon, e);
      this.estimate = { curve, median: medianOf(curve), horizon };
    }
    return this.estimate;
  }

  /**
   * Budgeted copies in a stage's tail: running tasks younger than the estimated median,
   * youngest first (once they have run `minTaskRuntimeMs`), at most `room`. A straggler among
   * them would be seen only once it has outrun the median, and its copy would end a copy's
   * duration after that; a copy made now ends a copy's duration from now. Older tasks are left
   * to the speculation test (copies()).
   */
  young(eligible: (index: number) => boolean, minTaskRuntimeMs: number, room: number): number[] {
    if (room <= 0 || this.finished.size === 0) return [];
    const young = this.running.filter((r) => r.elapsedMs > minTaskRuntimeMs && eligible(r.index));
    if (young.length === 0) return [];
    const { median } = this.built();
    if (median === undefined) return [];
    const candidates = young.filter((r) => r.elapsedMs < median);
    candidates.sort((a, b) => a.elapsedMs - b.elapsedMs);
    return candidates.slice(0, room).map((c) => c.index);
  }

  /** The running tasks to copy now, most urgent first, at most `room` of them; `eligible` says which may still be copied. */
  copies(eligible: (index: number) => boolean, policy: SpeculationPolicy, room: number): number[] {
    if (room <= 0 || this.finished.size === 0) return [];
    const candidates = this.running.filter((r) => r.elapsedMs > policy.minTaskRuntimeMs && eligible(r.index));
    if (candidates.length === 0) return [];
    if (this.built().median === undefined) return [];
    candidates.sort((a, b) => b.elapsedMs - a.elapsedMs);
    const chosen: number[] = [];
    for (const c of candidates) {
      if (chosen.length >= room || c.elapsedMs <= this.threshold(policy)) break;
      if (this.slow(c.elapsedMs, policy)) chosen.push(c.index);
    }
    return chosen;
  }

  private threshold(policy: SpeculationPolicy): number {
    return Math.max(policy.multiplier * (this.built().median ?? Infinity), policy.minTaskRuntimeMs);
  }

  /**
   * Whether an attempt that has run `elapsedMs` is slow by copies()' test: past `multiplier` x
   * the median (and minTaskRuntimeMs), and expected to run on longer than a fresh copy would take.
   */
  slow(elapsedMs: number, policy: SpeculationPolicy): boolean {
    const { curve, median, horizon } = this.built();
    return median !== undefined && elapsedMs > this.threshold(policy) && expectedRemaining(curve, elapsedMs, horizon) > median;
  }
}
