/**
 * Aggregates over the frequency of each distinct value, as Spark's Percentile and Mode keep
 * an OpenHashMap from value to count: percentile(x, p) and median(x) (exact, Spark's
 * interpolation) and mode(x[, deterministic]). Values are keyed as Spark's map keys them
 * (boxed equality: NaN equals NaN, -0.0 and 0.0 are two keys). Partial state: the distinct
 * values and their counts, flattened [v1, c1, v2, c2, ...]; merging adds the counts, so any
 * split of the rows gives the same result.
 */
import { compareNumbers, compareValues } from "../../../shared/plan/semantics.ts";
import type { Value } from "../../../shared/plan/types.ts";
import { valueAt, type Vector } from "../../../shared/batch/vector.ts";
import { tupleIdentity } from "../keys.ts";
import { anyVector, sizeOf, type AggState } from "./state-support.ts";

type Counts = Map<unknown, [value: Value, count: number]>;

/** The key Spark's map would tell the value apart by. */
function keyOf(v: Exclude<Value, null>): unknown {
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : v;
  return typeof v === "object" ? `[${tupleIdentity([v])}` : v;
}

function add(counts: Counts, v: Value, n: number): void {
  if (v === null) return;
  const key = keyOf(v);
  const entry = counts.get(key);
  if (entry) entry[1] += n;
  else counts.set(key, [v, n]);
}

/** sparkfn's doubles carry no -0.0 (shared/plan/semantics.ts). */
const noNegativeZero = (v: Value): Value => (v === 0 ? 0 : v);

/** Per group, the count of each distinct non-null value; `result` finishes a group. */
abstract class FrequencyState implements AggState {
  readonly fixedBytesPerGroup = 8;
  private groups: Counts[] = [];
  protected abstract result(counts: Counts): Value;
  heapBytesAt(g: number): number {
    const counts = this.groups[g]!;
    let sample = 0;
    let n = 0;
    for (const [, [v]] of counts) {
      if (n === 8) break;
      sample += sizeOf(v);
      n++;
    }
    return 64 + counts.size * (80 + (n === 0 ? 0 : sample / n));
  }
  grow(capacity: number): void {
    while (this.groups.length < capacity) this.groups.push(new Map());
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    for (let k = 0; k < count; k++) add(this.groups[ids[k]!]!, valueAt(arg, sel === null ? k : sel[k]!), 1);
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    for (let k = 0; k < count; k++) this.mergeFlat(this.groups[ids[k]!]!, valueAt(states, k) as unknown as Value[]);
  }
  private mergeFlat(counts: Counts, flat: readonly Value[]): void {
    for (let i = 0; i < flat.length; i += 2) add(counts, flat[i]!, flat[i + 1] as number);
  }
  partial(n: number): Vector {
    const out: Value[] = new Array(n);
    for (let g = 0; g < n; g++) out[g] = this.stateAt(g) as Value;
    return anyVector(out);
  }
  finish(n: number): Vector {
    return anyVector(this.groups.slice(0, n).map((c) => this.result(c)));
  }
  stateAt(g: number): unknown {
    const flat: Value[] = [];
    for (const [, [v, c]] of this.groups[g]!) flat.push(v, c);
    return flat;
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    const counts: Counts = new Map();
    this.mergeFlat(counts, a as Value[]);
    this.mergeFlat(counts, b as Value[]);
    const flat: Value[] = [];
    for (const [, [v, c]] of counts) flat.push(v, c);
    return flat;
  }
  finishBoxed(state: unknown): Value {
    const counts: Counts = new Map();
    this.mergeFlat(counts, state as Value[]);
    return this.result(counts);
  }
  clear(): void {
    this.groups = [];
  }
}

/**
 * The exact percentile as Spark's Percentile.getPercentile: the distinct values in order with
 * their cumulative counts; position = (n - 1) · p; the values at floor and ceil of the
 * position (found by binary search over the cumulative counts), interpolated linearly.
 */
export function exactPercentile(pairs: readonly (readonly [number, number])[], p: number): number | null {
  if (pairs.length === 0) return null;
  const sorted = [...pairs].sort((a, b) => compareNumbers(a[0], b[0]));
  const cumulative: number[] = [];
  let total = 0;
  for (const [, c] of sorted) cumulative.push((total += c));
  const position = (total - 1) * p;
  const lower = Math.floor(position);
  const higher = Math.ceil(position);
  const lowerIndex = searchCount(cumulative, lower + 1);
  const lowerKey = sorted[lowerIndex]![0];
  if (higher === lower) return lowerKey;
  const higherIndex = searchCount(cumulative, higher + 1);
  if (higherIndex === lowerIndex) return lowerKey;
  return (higher - position) * lowerKey + (position - lower) * sorted[higherIndex]![0];
}

/** The index of the first cumulative count >= `count` (Spark's binarySearchCount over increasing counts). */
function searchCount(cumulative: readonly number[], count: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (cumulative[mid]! < count) low = mid + 1;
    else if (cumulative[mid]! > count) high = mid - 1;
    else return mid;
  }
  return low;
}

/** percentile(x, p) and median(x) (p = 0.5): a double, null for a group without values. */
export class PercentileState extends FrequencyState {
  constructor(private readonly p: number) {
    super();
  }
  protected result(counts: Counts): Value {
    const pairs = [...counts.values()].map(([v, c]) => [v as number, c] as const);
    const r = exactPercentile(pairs, this.p);
    return r === null ? null : noNegativeZero(r);
  }
}

/**
 * mode(x): the most frequent value; among equally frequent ones the lowest (Spark's order).
 * That is Spark's answer for mode(x, true); for mode(x) Spark gives whichever its hash map
 * meets first, which no other engine can reproduce, so sparkfn gives the lowest there too.
 */
export class ModeState extends FrequencyState {
  protected result(counts: Counts): Value {
    let best: [Value, number] | null = null;
    for (const [, entry] of counts) {
      if (best === null || entry[1] > best[1] || (entry[1] === best[1] && compareValues(entry[0]!, best[0]!) < 0)) best = entry;
    }
    return best === null ? null : noNegativeZero(best[0]);
  }
}
