/**
 * Hash joins over vectors. The build side (one batch) gets a group id per distinct key tuple
 * (keys.ts), and its rows are ordered by group so each group's rows are one contiguous range.
 * A probe batch's key vectors are looked up (nothing inserted), candidate pairs are listed as
 * two index arrays, the residual condition is evaluated once over the candidates gathered as
 * a batch, and the output columns are gathered by index: no joined row objects. With no keys
 * every pair is a candidate (a nested-loop join). Null keys never match, as in SQL; outer
 * joins pad the unmatched side with nulls. A null-aware anti join (NOT IN) keeps every probe
 * row when the build side is empty, none when a build key is null, and no null probe key.
 *
 * Shuffled joins build on the right side of one co-partitioned partition; broadcast joins
 * build on the broadcast side (right for inner/left/semi/anti, left for inner/right).
 */
import type { Expr } from "../../shared/plan/expr.ts";
import { joinSchema, type JoinType } from "../../shared/plan/join.ts";
import type { Schema } from "../../shared/plan/types.ts";
import { compact, denseBatch, type Batch } from "../../shared/batch/batch.ts";
import { gather, nullVector, type Vector } from "../../shared/batch/vector.ts";
import type { CompileContext } from "../compile/expression.ts";
import { compileVectorFilter, compileVectorProjection, type VectorProjection } from "../compile/vector-expression.ts";
import { GroupIds } from "./keys.ts";

export interface JoinSpec {
  readonly how: JoinType;
  /** Which side of the join's output the build rows are. */
  readonly buildSide: "left" | "right";
  readonly probeSchema: Schema;
  readonly buildSchema: Schema;
  readonly probeKeys: readonly Expr[];
  readonly buildKeys: readonly Expr[];
  readonly condition: Expr | null;
  /** NOT IN's anti join (broadcast only: the whole build side decides the nulls). */
  readonly nullAware?: boolean;
}

/** Candidate pairs gathered before the residual condition runs over them. */
const PAIRS_PER_CHUNK = 16_384;

/** Rows with a null in any key vector (they never match). */
function nullKeyRows(keys: readonly Vector[], count: number): Uint8Array | null {
  let out: Uint8Array | null = null;
  for (const v of keys) {
    if (v.nulls === null) continue;
    for (let k = 0; k < count; k++) {
      if (v.nulls[k] === 1) {
        out ??= new Uint8Array(count);
        out[k] = 1;
      }
    }
  }
  return out;
}

/** Like gather, with index -1 giving null (the padded side of an outer join). */
function gatherPadded(v: Vector, indexes: Int32Array, count: number): Vector {
  let padded = false;
  for (let k = 0; k < count; k++) if (indexes[k]! < 0) padded = true;
  if (!padded) return gather(v, indexes, count);
  if (count > 0 && indexes.subarray(0, count).every((i) => i < 0)) return nullVector(count);
  const safe = new Int32Array(count);
  for (let k = 0; k < count; k++) safe[k] = Math.max(0, indexes[k]!);
  const out = gather(v, safe, count);
  const nulls = out.nulls === null ? new Uint8Array(count) : out.nulls;
  for (let k = 0; k < count; k++) if (indexes[k]! < 0) nulls[k] = 1;
  return { ...out, nulls } as Vector;
}

/** A growable pair of index lists. */
class Pairs {
  probe = new Int32Array(1024);
  build = new Int32Array(1024);
  length = 0;
  push(p: number, b: number): void {
    if (this.length === this.probe.length) {
      const grow = (a: Int32Array) => {
        const next = new Int32Array(a.length * 2);
        next.set(a);
        return next;
      };
      this.probe = grow(this.probe);
      this.build = grow(this.build);
    }
    this.probe[this.length] = p;
    this.build[this.length++] = b;
  }
  clear(): void {
    this.length = 0;
  }
}

export class HashJoinTable {
  private readonly ids: GroupIds;
  /** Build rows ordered by group: group g's rows are rows[start[g] .. start[g + 1]). */
  private readonly start: Int32Array;
  private readonly rows: Int32Array;
  private readonly probeKey: VectorProjection;
  private readonly residual: ((batch: Batch) => Batch) | null;
  private readonly joinedWidth: { probe: number; build: number };
  /** Build rows that matched, when an outer join must emit the others at the end. */
  private readonly buildMatched: Uint8Array | undefined;
  private readonly keepUnmatchedProbe: boolean;
  /** A null-aware anti join's answer for every probe row, when the build side alone decides it. */
  private readonly nullAwareAll: "keep" | "drop" | undefined;
  readonly outputSchema: Schema;

  constructor(
    private readonly spec: JoinSpec,
    private readonly build: Batch,
    ctx: CompileContext,
  ) {
    const { how, buildSide } = spec;
    this.outputSchema = buildSide === "right" ? joinSchema(spec.probeSchema, spec.buildSchema, how) : joinSchema(spec.buildSchema, spec.probeSchema, how);
    this.probeKey = compileVectorProjection(spec.probeKeys, spec.probeSchema, ctx);
    const [leftSchema, rightSchema] = buildSide === "right" ? [spec.probeSchema, spec.buildSchema] : [spec.buildSchema, spec.probeSchema];
    this.residual = spec.condition ? compileVectorFilter(spec.condition, { fields: [...leftSchema.fields, ...rightSchema.fields] }, ctx) : null;
    this.joinedWidth = { probe: spec.probeSchema.fields.length, build: spec.buildSchema.fields.length };
    const outerOnBuild = buildSide === "right" ? how === "right" || how === "full" : how === "left" || how === "full";
    this.buildMatched = outerOnBuild ? new Uint8Array(build.count) : undefined;
    this.keepUnmatchedProbe = buildSide === "right" ? how === "left" || how === "full" : how === "right" || how === "full";

    // Group the build rows by key (rows with a null key are left out), keeping build order within a group.
    const n = build.count;
    const buildKeys = compileVectorProjection(spec.buildKeys, spec.buildSchema, ctx)(build);
    const skip = spec.buildKeys.length > 0 ? nullKeyRows(buildKeys, n) : null;
    this.ids = new GroupIds(spec.buildKeys.length);
    const group = new Int32Array(n);
    this.ids.assign(buildKeys, n, group, () => undefined);
    const groups = this.ids.size;
    this.start = new Int32Array(groups + 1);
    for (let i = 0; i < n; i++) if (skip === null || skip[i] === 0) this.start[group[i]! + 1]!++;
    for (let g = 0; g < groups; g++) this.start[g + 1]! += this.start[g]!;
    const next = this.start.slice(0, groups);
    this.rows = new Int32Array(this.start[groups]!);
    for (let i = 0; i < n; i++) if (skip === null || skip[i] === 0) this.rows[next[group[i]!]!++] = i;
    this.nullAwareAll = !spec.nullAware ? undefined : n === 0 ? "keep" : skip !== null && skip.includes(1) ? "drop" : undefined;
  }

  /** Joined batches for a batch of probe rows (semi/anti: the probe rows kept). */
  *probe(input: Batch): Generator<Batch> {
    if (input.count === 0 || this.nullAwareAll === "drop") return;
    if (this.nullAwareAll === "keep") {
      yield input;
      return;
    }
    const batch = compact(input);
    const count = batch.count;
    const keys = this.probeKey(batch);
    const ids = new Int32Array(count);
    this.ids.lookup(keys, count, ids);
    const skip = this.spec.probeKeys.length > 0 ? nullKeyRows(keys, count) : null;
    const matched = new Uint8Array(count);
    // NOT IN: a null x compared with a non-empty build side is unknown, and the row goes.
    if (this.spec.nullAware && skip !== null) matched.set(skip);
    const pairs = new Pairs();
    const { how } = this.spec;
    const emitsPairs = how !== "semi" && how !== "anti";
    for (let k = 0; k < count; k++) {
      const g = ids[k]!;
      if (g < 0 || (skip !== null && skip[k] === 1)) continue;
      for (let r = this.start[g]!; r < this.start[g + 1]!; r++) {
        pairs.push(k, this.rows[r]!);
        if (pairs.length >= PAIRS_PER_CHUNK) {
          const out = this.passing(batch, pairs, matched, emitsPairs);
          if (out) yield out;
          pairs.clear();
        }
      }
    }
    const out = this.passing(batch, pairs, matched, emitsPairs);
    if (out) yield out;
    // Probe rows decided by whether they matched: semi and anti rows, or an outer join's padded ones.
    const keep = how === "semi" ? 1 : how === "anti" || this.keepUnmatchedProbe ? 0 : -1;
    if (keep < 0) return;
    const chosen = new Int32Array(count);
    let m = 0;
    for (let k = 0; k < count; k++) if (matched[k] === keep) chosen[m++] = k;
    if (m === 0) return;
    if (!emitsPairs) {
      yield denseBatch(batch.columns.map((v) => gather(v, chosen, m)), m);
      return;
    }
    const none = new Int32Array(m).fill(-1);
    yield this.assemble(batch, chosen, none, m);
  }

  /** The candidate pairs that pass the residual condition, as joined rows (when the join emits pairs); marks matches. */
  private passing(batch: Batch, pairs: Pairs, matched: Uint8Array, emitsPairs: boolean): Batch | undefined {
    if (pairs.length === 0) return undefined;
    let probe = pairs.probe.subarray(0, pairs.length);
    let build = pairs.build.subarray(0, pairs.length);
    let n = pairs.length;
    if (this.residual) {
      const candidates = this.assemble(batch, probe, build, n);
      const kept = this.residual(candidates);
      if (kept.selection !== null) {
        const sel = kept.selection;
        n = kept.count;
        probe = Int32Array.from(sel.subarray(0, n), (i) => probe[i]!);
        build = Int32Array.from(sel.subarray(0, n), (i) => build[i]!);
      }
    }
    for (let j = 0; j < n; j++) {
      matched[probe[j]!] = 1;
      if (this.buildMatched) this.buildMatched[build[j]!] = 1;
    }
    return emitsPairs && n > 0 ? this.assemble(batch, probe, build, n) : undefined;
  }

  /** Output rows from probe indexes and build indexes (-1: the padded, all-null side). */
  private assemble(probe: Batch, probeIndex: Int32Array, buildIndex: Int32Array, n: number): Batch {
    const p = probe.columns.map((v) => gatherPadded(v, probeIndex, n));
    const b = this.build.columns.map((v) => gatherPadded(v, buildIndex, n));
    return denseBatch(this.spec.buildSide === "right" ? [...p, ...b] : [...b, ...p], n);
  }

  /** After the last probe: build rows an outer join keeps although nothing matched them. */
  unmatchedBuild(): Batch | undefined {
    if (!this.buildMatched) return undefined;
    const chosen = new Int32Array(this.build.count);
    let m = 0;
    for (let i = 0; i < this.build.count; i++) if (this.buildMatched[i] === 0) chosen[m++] = i;
    if (m === 0) return undefined;
    const probeNulls = Array.from({ length: this.joinedWidth.probe }, () => nullVector(m));
    const build = this.build.columns.map((v) => gather(v, chosen, m));
    return denseBatch(this.spec.buildSide === "right" ? [...probeNulls, ...build] : [...build, ...probeNulls], m);
  }
}
