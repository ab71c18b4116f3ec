/**
 * percentile_approx / approx_percentile: Spark's ApproximatePercentile over its
 * QuantileSummaries (Greenwald-Khanna with a head buffer), ported operation for operation so
 * that the answer is Spark's: the same head buffer size (50,000) and compression threshold
 * (10,000), the same insert, compress, merge and query, and the same points where Spark
 * compresses (a partial state is compressed before it travels, as Spark serialises it; the
 * reduce side starts from an empty compressed summary and merges the partial states into it
 * in arrival order).
 *
 * Values are doubles inside (ints, longs, doubles, and dates as their day numbers); the
 * result is converted back to the argument's type. Partial state:
 * [relativeError, count, v1, g1, delta1, v2, g2, delta2, ...] (compressed).
 */
import type { DataType, Value } from "../../../shared/plan/types.ts";
import { valueAt, type Vector } from "../../../shared/batch/vector.ts";
import { civilFromDays, daysOf, isoText } from "../../../shared/plan/functions/calendar.ts";
import { anyVector, type AggState } from "./state-support.ts";

const HEAD_SIZE = 50000;
const COMPRESS_THRESHOLD = 10000;

/** One summary: samples (value, g, delta) in value order, the count they cover, and the head buffer. */
export class QuantileSummaries {
  values: number[] = [];
  gs: number[] = [];
  deltas: number[] = [];
  count = 0;
  compressed: boolean;
  private head: number[] = [];

  constructor(
    public relativeError: number,
    compressed = false,
  ) {
    this.compressed = compressed;
  }

  get headLength(): number {
    return this.head.length;
  }

  insert(x: number): void {
    this.head.push(x);
    this.compressed = false;
    if (this.head.length >= HEAD_SIZE) {
      this.insertHead();
      if (this.values.length >= COMPRESS_THRESHOLD) this.compress();
    }
  }

  /** Spark's withHeadBufferInserted: the sorted head merged into the samples, each new one with its delta. */
  private insertHead(): void {
    if (this.head.length === 0) return;
    const sorted = Float64Array.from(this.head).sort(); // -0.0 before 0.0, NaN last: Java's total order
    const values: number[] = [];
    const gs: number[] = [];
    const deltas: number[] = [];
    let count = this.count;
    let s = 0;
    for (let op = 0; op < sorted.length; op++) {
      const x = sorted[op]!;
      while (s < this.values.length && this.values[s]! <= x) {
        values.push(this.values[s]!);
        gs.push(this.gs[s]!);
        deltas.push(this.deltas[s]!);
        s++;
      }
      count++;
      const delta = values.length === 0 || (s === this.values.length && op === sorted.length - 1) ? 0 : Math.floor(2 * this.relativeError * count);
      values.push(x);
      gs.push(1);
      deltas.push(delta);
    }
    for (; s < this.values.length; s++) {
      values.push(this.values[s]!);
      gs.push(this.gs[s]!);
      deltas.push(this.deltas[s]!);
    }
    this.values = values;
    this.gs = gs;
    this.deltas = deltas;
    this.count = count;
    this.head = [];
    this.compressed = false;
  }

  compress(): void {
    this.insertHead();
    this.compressSamples(2 * this.relativeError * this.count);
    this.compressed = true;
  }

  /** Spark's compressImmut: from the last sample down, neighbours merged while g + g' + delta' < threshold. */
  private compressSamples(threshold: number): void {
    const n = this.values.length;
    if (n === 0) return;
    const values: number[] = [];
    const gs: number[] = [];
    const deltas: number[] = [];
    let hv = this.values[n - 1]!;
    let hg = this.gs[n - 1]!;
    let hd = this.deltas[n - 1]!;
    for (let i = n - 2; i >= 1; i--) {
      if (this.gs[i]! + hg + hd < threshold) hg += this.gs[i]!;
      else {
        values.push(hv);
        gs.push(hg);
        deltas.push(hd);
        [hv, hg, hd] = [this.values[i]!, this.gs[i]!, this.deltas[i]!];
      }
    }
    values.push(hv);
    gs.push(hg);
    deltas.push(hd);
    if (this.values[0]! <= hv && n > 1) {
      values.push(this.values[0]!);
      gs.push(this.gs[0]!);
      deltas.push(this.deltas[0]!);
    }
    this.values = values.reverse();
    this.gs = gs.reverse();
    this.deltas = deltas.reverse();
  }

  /** Spark's merge of two compressed summaries (this ← this ⊕ other). */
  merge(other: QuantileSummaries): void {
    if (other.count === 0) return;
    if (this.count === 0) {
      this.copyFrom(other);
      return;
    }
    const relativeError = Math.max(this.relativeError, other.relativeError);
    const count = this.count + other.count;
    const selfExtra = Math.floor(2 * other.relativeError * other.count);
    const otherExtra = Math.floor(2 * this.relativeError * this.count);
    const values: number[] = [];
    const gs: number[] = [];
    const deltas: number[] = [];
    let i = 0;
    let j = 0;
    while (i < this.values.length && j < other.values.length) {
      if (this.values[i]! < other.values[j]!) {
        values.push(this.values[i]!);
        gs.push(this.gs[i]!);
        deltas.push(this.deltas[i]! + (j > 0 ? selfExtra : 0));
        i++;
      } else {
        values.push(other.values[j]!);
        gs.push(other.gs[j]!);
        deltas.push(other.deltas[j]! + (i > 0 ? otherExtra : 0));
        j++;
      }
    }
    for (; i < this.values.length; i++) {
      values.push(this.values[i]!);
      gs.push(this.gs[i]!);
      deltas.push(this.deltas[i]!);
    }
    for (; j < other.values.length; j++) {
      values.push(other.values[j]!);
      gs.push(other.gs[j]!);
      deltas.push(other.deltas[j]!);
    }
    this.values = values;
    this.gs = gs;
    this.deltas = deltas;
    this.count = count;
    this.relativeError = relativeError;
    this.compressSamples(2 * relativeError * count);
    this.compressed = true;
  }

  private copyFrom(other: QuantileSummaries): void {
    this.values = other.values;
    this.gs = other.gs;
    this.deltas = other.deltas;
    this.count = other.count;
    this.relativeError = other.relativeError;
    this.compressed = other.compressed;
  }

  /** Spark's query of one percentile over a compressed summary; null when it holds nothing. */
  query(p: number): number | null {
    const n = this.values.length;
    if (n === 0) return null;
    if (p <= this.relativeError) return this.values[0]!;
    if (p >= 1 - this.relativeError) return this.values[n - 1]!;
    let most = -Infinity;
    for (let i = 0; i < n; i++) most = Math.max(most, this.deltas[i]! + this.gs[i]!);
    const targetError = Math.floor(most / 2);
    const rank = Math.ceil(p * this.count);
    let minRank = this.gs[0]!;
    for (let i = 0; i < n - 1; ) {
      const maxRank = minRank + this.deltas[i]!;
      if (maxRank - targetError <= rank && rank <= minRank + targetError) return this.values[i]!;
      i++;
      minRank += this.gs[i]!;
    }
    return this.values[n - 1]!;
  }

  /** The compressed summary as a partial state (compressing it first, as Spark serialises it). */
  toState(): number[] {
    if (!this.compressed) this.compress();
    const out = [this.relativeError, this.count];
    for (let i = 0; i < this.values.length; i++) out.push(this.values[i]!, this.gs[i]!, this.deltas[i]!);
    return out;
  }

  static fromState(state: readonly number[]): QuantileSummaries {
    const s = new QuantileSummaries(state[0]!, true);
    s.count = state[1]!;
    for (let i = 2; i < state.length; i += 3) {
      s.values.push(state[i]!);
      s.gs.push(state[i + 1]!);
      s.deltas.push(state[i + 2]!);
    }
    return s;
  }

  /** PercentileDigest.merge: compress this side first when it is not. */
  mergeDigest(other: QuantileSummaries): void {
    if (!this.compressed) this.compress();
    if (!other.compressed) other.compress();
    this.merge(other);
  }

  /** PercentileDigest.getPercentiles for one percentage. */
  percentile(p: number): number | null {
    if (!this.compressed) this.compress();
    return this.count === 0 ? null : this.query(p);
  }
}

/** A value of the argument's type as the double the summary holds, and back. */
const TO_DOUBLE: Partial<Record<DataType, (v: Value) => number>> = { date: (v) => daysOf(v as string) };
const FROM_DOUBLE: Partial<Record<DataType, (d: number) => Value>> = { date: (d) => isoText(...civilFromDays(d)) };

/** percentile_approx(x, p, accuracy): relative error 1 / accuracy, as Spark's. */
export class ApproxPercentileState implements AggState {
  readonly fixedBytesPerGroup = 8;
  private groups: QuantileSummaries[] = [];
  private readonly toDouble: (v: Value) => number;
  private readonly fromDouble: (d: number) => Value;
  private readonly relativeError: number;
  constructor(
    type: DataType,
    private readonly p: number,
    accuracy: number,
  ) {
    this.relativeError = 1.0 / accuracy;
    this.toDouble = TO_DOUBLE[type] ?? ((v) => v as number);
    this.fromDouble = FROM_DOUBLE[type] ?? ((d) => (d === 0 ? 0 : d));
  }
  heapBytesAt(g: number): number {
    const s = this.groups[g]!;
    return 160 + 24 * s.values.length + 8 * s.headLength;
  }
  grow(capacity: number): void {
    // The reduce side starts each group as Spark's buffer: an empty, compressed summary.
    while (this.groups.length < capacity) this.groups.push(new QuantileSummaries(this.relativeError, true));
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    for (let k = 0; k < count; k++) {
      const v = valueAt(arg, sel === null ? k : sel[k]!);
      if (v !== null) this.groups[ids[k]!]!.insert(this.toDouble(v));
    }
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    for (let k = 0; k < count; k++) this.groups[ids[k]!]!.mergeDigest(QuantileSummaries.fromState(valueAt(states, k) as unknown as number[]));
  }
  partial(n: number): Vector {
    return anyVector(this.groups.slice(0, n).map((s) => s.toState() as unknown as Value));
  }
  finish(n: number): Vector {
    return anyVector(this.groups.slice(0, n).map((s) => this.result(s)));
  }
  private result(s: QuantileSummaries): Value {
    const d = s.percentile(this.p);
    return d === null ? null : this.fromDouble(d);
  }
  stateAt(g: number): unknown {
    return this.groups[g]!.toState();
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    const s = QuantileSummaries.fromState(a as number[]);
    s.mergeDigest(QuantileSummaries.fromState(b as number[]));
    return s.toState();
  }
  finishBoxed(state: unknown): Value {
    return this.result(QuantileSummaries.fromState(state as number[]));
  }
  clear(): void {
    this.groups = [];
  }
}
