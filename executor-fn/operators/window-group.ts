/**
 * The window functions over one partition-key group, its rows in window order: frames as
 * [lo, hi) row ranges found with two pointers (both ends only move forward), then each
 * function evaluated incrementally where it can be:
 * - running frames (UNBOUNDED PRECEDING to the current row or its peers) fold one row at a
 *   time into one aggregate state (executor-fn/operators/aggregate/states.ts);
 * - whole-group frames are computed once;
 * - sliding frames: count, and sum/avg of integers by prefix sums (adding the rows that enter,
 *   subtracting those that leave); min/max by a monotonic deque; any other aggregate (sums of
 *   doubles too, so they round exactly as Spark's) re-aggregates the frame when it moves, as
 *   Spark's SlidingWindowFunctionFrame does.
 */
import { compareForSort, sameValue } from "../../shared/plan/semantics.ts";
import type { AggFn, WindowFn, WindowFrame } from "../../shared/plan/expr.ts";
import { intervalFrameShift } from "../../shared/plan/functions/interval-functions.ts";
import type { TimeZone } from "../../shared/plan/functions/time-zone.ts";
import { isIntegral, isNested, type DataType, type Value } from "../../shared/plan/types.ts";
import { valueAt, vectorFromValues, type Vector } from "../../shared/batch/vector.ts";
import { aggState, type AggOptions } from "./aggregate/states.ts";

export interface OrderKey {
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

/** One window function, ready to evaluate over groups. */
export interface WindowCall {
  readonly fn: WindowFn;
  /** For fn "aggregate": the aggregate function, its options and its argument types. */
  readonly agg?: { readonly fn: AggFn; readonly options: AggOptions; readonly types: readonly DataType[] };
  readonly frame: WindowFrame;
  /** ntile's buckets, lag/lead's offset, nth_value's n. */
  readonly n: number;
  readonly ignoreNulls: boolean;
  /** The session time zone, where interval frame offsets move a timestamp by days or months (absent: UTC). */
  readonly zone?: TimeZone;
}

/** A group's rows: order key values and each function's argument values, per row. */
export interface Group {
  readonly size: number;
  /** orderValues[k][i]: order key k of row i. */
  readonly orderValues: readonly (readonly Value[])[];
  /** args[f][a][i]: argument a of function f at row i. */
  readonly args: readonly (readonly (readonly Value[])[])[];
}

/** peerEnd[i]: one past the last row with row i's order values (the end of its peer run). */
function peerEnds(g: Group): Int32Array {
  const ends = new Int32Array(g.size);
  let end = g.size;
  for (let i = g.size - 1; i >= 0; i--) {
    if (i < g.size - 1 && !g.orderValues.every((col) => sameValue(col[i]!, col[i + 1]!))) end = i + 1;
    ends[i] = end;
  }
  return ends;
}

function peerStarts(g: Group): Int32Array {
  const starts = new Int32Array(g.size);
  let start = 0;
  for (let i = 0; i < g.size; i++) {
    if (i > 0 && !g.orderValues.every((col) => sameValue(col[i]!, col[i - 1]!))) start = i;
    starts[i] = start;
  }
  return starts;
}

/** The frame of every row: [lo[i], hi[i]), empty when hi <= lo. */
export function frameBounds(g: Group, frame: WindowFrame, orders: readonly OrderKey[], zone?: TimeZone): { lo: Int32Array; hi: Int32Array } {
  const n = g.size;
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  if (frame.type === "rows") {
    for (let i = 0; i < n; i++) {
      lo[i] = frame.start === null ? 0 : Math.min(n, Math.max(0, i + frame.start));
      hi[i] = frame.end === null ? n : Math.min(n, Math.max(0, i + frame.end + 1));
    }
    return { lo, hi };
  }
  const starts = frame.start === 0 ? peerStarts(g) : null;
  const ends = frame.end === 0 ? peerEnds(g) : null;
  // Value offsets (one numeric order key): the bound is the row's value moved by the offset in the sort's direction.
  const key = g.orderValues[0];
  const order = orders[0];
  // Interval offsets (a date or timestamp key) move the value as date and timestamp arithmetic does.
  const shift = frame.interval === undefined ? null : intervalFrameShift(frame.interval, zone);
  const bound = (i: number, offset: number): Value => {
    const v = key![i]!;
    const signed = order!.ascending ? offset : -offset;
    return v === null ? null : shift !== null ? shift(v as string | number, signed) : (v as number) + signed;
  };
  const cmp = (j: number, b: Value) => compareForSort(key![j]!, b, order!.ascending, order!.nullsFirst);
  let l = 0;
  let h = 0;
  for (let i = 0; i < n; i++) {
    if (frame.start === null) lo[i] = 0;
    else if (starts) lo[i] = starts[i]!;
    else {
      const b = bound(i, frame.start);
      while (l < n && cmp(l, b) < 0) l++;
      lo[i] = l;
    }
    if (frame.end === null) hi[i] = n;
    else if (ends) hi[i] = ends[i]!;
    else {
      const b = bound(i, frame.end);
      while (h < n && cmp(h, b) <= 0) h++;
      hi[i] = h;
    }
  }
  return { lo, hi };
}

/** The values of function `call` (index `f` in the group's args) for every row of the group. */
export function evaluateWindow(call: WindowCall, f: number, g: Group, orders: readonly OrderKey[]): Value[] {
  const n = g.size;
  const out: Value[] = new Array(n);
  const args = g.args[f]!;
  switch (call.fn) {
    case "row_number":
      for (let i = 0; i < n; i++) out[i] = i + 1;
      return out;
    case "rank":
    case "percent_rank": {
      const starts = peerStarts(g);
      for (let i = 0; i < n; i++) out[i] = call.fn === "rank" ? starts[i]! + 1 : n === 1 ? 0 : starts[i]! / (n - 1);
      return out;
    }
    case "dense_rank": {
      let rank = 0;
      for (let i = 0; i < n; i++) {
        if (i === 0 || !g.orderValues.every((col) => sameValue(col[i]!, col[i - 1]!))) rank++;
        out[i] = rank;
      }
      return out;
    }
    case "cume_dist": {
      const ends = peerEnds(g);
      for (let i = 0; i < n; i++) out[i] = ends[i]! / n;
      return out;
    }
    case "ntile": {
      // Spark's NTile: the first n % buckets buckets hold one row more.
      const per = Math.floor(n / call.n);
      const extra = n % call.n;
      const bigRows = (per + 1) * extra;
      for (let i = 0; i < n; i++) out[i] = i < bigRows ? Math.floor(i / (per + 1)) + 1 : extra + Math.floor((i - bigRows) / per) + 1;
      return out;
    }
    case "lag":
    case "lead": {
      const offset = call.fn === "lag" ? -call.n : call.n;
      const values = args[0]!;
      const fallback = args[2];
      for (let i = 0; i < n; i++) {
        const j = i + offset;
        out[i] = j >= 0 && j < n ? values[j]! : fallback ? fallback[i]! : null;
      }
      return out;
    }
    case "nth_value": {
      const { lo, hi } = frameBounds(g, call.frame, orders, call.zone);
      const values = args[0]!;
      for (let i = 0; i < n; i++) {
        if (!call.ignoreNulls) {
          const j = lo[i]! + call.n - 1;
          out[i] = j < hi[i]! ? values[j]! : null;
          continue;
        }
        let seen = 0;
        out[i] = null;
        for (let j = lo[i]!; j < hi[i]!; j++) {
          if (values[j] !== null && ++seen === call.n) {
            out[i] = values[j]!;
            break;
          }
        }
      }
      return out;
    }
    case "aggregate":
      return aggregateOverFrames(call, args, g, orders);
  }
}

const ZERO_IDS = new Int32Array(1);

function aggregateOverFrames(call: WindowCall, args: readonly (readonly Value[])[], g: Group, orders: readonly OrderKey[]): Value[] {
  const agg = call.agg!;
  const n = g.size;
  const out: Value[] = new Array(n);
  const vectors: Vector[] = args.map((values, a) => vectorFromValues(agg.types[a] ?? "null", values));
  const { lo, hi } = frameBounds(g, call.frame, orders, call.zone);
  const fresh = () => {
    const s = aggState(agg.fn, agg.types[0], agg.options);
    s.grow(1);
    return s;
  };
  /** The aggregate over rows [from, to) in one state. */
  const over = (from: number, to: number): Value => {
    const s = fresh();
    const count = Math.max(0, to - from);
    const sel = new Int32Array(count);
    for (let k = 0; k < count; k++) sel[k] = from + k;
    s.update(new Int32Array(count), vectors[0] ?? null, count, sel, vectors[1] ?? null, vectors[1] ? sel : null);
    return valueAt(s.finish(1), 0);
  };
  const running = lo.every((l) => l === 0);
  if (running && hi.every((h) => h === n)) {
    out.fill(over(0, n));
    return out;
  }
  if (running) {
    // Rows enter one at a time and never leave: one state, read at each new frame end.
    const s = fresh();
    const sel = new Int32Array(1);
    let added = 0;
    let current: Value = null;
    for (let i = 0; i < n; i++) {
      if (i === 0 || hi[i] !== added) {
        for (; added < hi[i]!; added++) {
          sel[0] = added;
          s.update(ZERO_IDS, vectors[0] ?? null, 1, sel, vectors[1] ?? null, vectors[1] ? sel : null);
        }
        // A state may hand out its own array (collect_list): each frame's value is a copy.
        const value = s.finishBoxed(s.stateAt(0));
        current = Array.isArray(value) ? [...value] : value;
      }
      out[i] = current;
    }
    return out;
  }
  const sliding = slidingEvaluator(agg.fn, agg.types[0], args[0]);
  if (sliding) {
    for (let i = 0; i < n; i++) out[i] = sliding(lo[i]!, Math.max(lo[i]!, hi[i]!));
    return out;
  }
  let last: Value = null;
  for (let i = 0; i < n; i++) {
    if (i === 0 || lo[i] !== lo[i - 1] || hi[i] !== hi[i - 1]) last = over(lo[i]!, hi[i]!);
    out[i] = last;
  }
  return out;
}

const integral = (t: DataType | undefined) => t !== undefined && isIntegral(t);

/**
 * An O(1)-per-row evaluator of aggregate `fn` over frames [lo, hi) whose ends only move
 * forward, when there is one that gives Spark's exact result; undefined for the rest.
 */
function slidingEvaluator(fn: AggFn, type: DataType | undefined, values: readonly Value[] | undefined): ((lo: number, hi: number) => Value) | undefined {
  if (fn === "count") {
    // Prefix counts of the non-null values (count(*): of the rows).
    const n = values?.length ?? 0;
    const counts = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) counts[i + 1] = counts[i]! + (values![i] === null ? 0 : 1);
    return values ? (lo, hi) => counts[hi]! - counts[lo]! : (lo, hi) => hi - lo;
  }
  if ((fn === "sum" || fn === "avg") && integral(type) && values) {
    // Integers add and subtract exactly: the frame's sum is the difference of two prefix sums.
    const n = values.length;
    const sums = new Float64Array(n + 1);
    const counts = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      sums[i + 1] = sums[i]! + (v === null ? 0 : (v as number));
      counts[i + 1] = counts[i]! + (v === null ? 0 : 1);
    }
    return (lo, hi) => {
      const c = counts[hi]! - counts[lo]!;
      if (c === 0) return null;
      const s = sums[hi]! - sums[lo]!;
      return fn === "sum" ? s : s / c;
    };
  }
  if ((fn === "min" || fn === "max") && values && !isNested(type!) && type !== "any") {
    // A monotonic deque of candidate rows: values only improve towards the back.
    const sign = fn === "min" ? 1 : -1;
    const deque: number[] = [];
    let head = 0;
    let added = 0;
    return (lo, hi) => {
      for (; added < hi; added++) {
        const v = values[added]!;
        if (v === null) continue;
        while (deque.length > head && sign * compareForSort(values[deque[deque.length - 1]!]!, v, true, true) > 0) deque.pop();
        deque.push(added);
      }
      while (head < deque.length && deque[head]! < lo) head++;
      return head < deque.length ? values[deque[head]!]! : null;
    };
  }
  return undefined;
}
