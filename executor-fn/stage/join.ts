/**
 * Hash joins. A JoinTable is built once from the build side's rows, keyed on the build
 * keys, and probed batch by batch with the other side's rows; each candidate pair must also
 * pass the residual condition. With no keys every pair is a candidate (a nested-loop join).
 * Null keys never match, as in SQL. Outer joins pad the unmatched side with nulls.
 *
 * Shuffled joins build on the right side of one co-partitioned partition; broadcast joins
 * build on the broadcast side (right for inner/left/semi/anti, left for inner/right) and
 * stream the other side through `probe`.
 */
import type { Expr } from "../../shared/plan/expr.ts";
import type { JoinType } from "../../shared/plan/join.ts";
import type { StageSource } from "../../shared/plan/physical.ts";
import type { Row, Schema, Value } from "../../shared/plan/types.ts";
import { compilePredicate, compileProjection, type CompileContext } from "../compile/expression.ts";

export interface JoinSpec {
  readonly how: JoinType;
  /** Which side of the join's output the build rows are. */
  readonly buildSide: "left" | "right";
  readonly probeSchema: Schema;
  readonly buildSchema: Schema;
  readonly probeKeys: readonly Expr[];
  readonly buildKeys: readonly Expr[];
  readonly condition: Expr | null;
}

const hasNull = (key: readonly Value[]) => key.some((v) => v === null);

export class JoinTable {
  private readonly table = new Map<string, number[]>();
  private readonly probeKey: (row: Row) => Value[];
  private readonly residual: (row: Row) => boolean;
  private readonly keyed: boolean;
  private readonly assemble: (probe: Row, build: Row) => Row;
  private readonly buildNulls: Row;
  private readonly probeNulls: Row;
  /** Build rows that matched, when an outer join must emit the others at the end. */
  private readonly buildMatched: Uint8Array | undefined;
  private readonly keepUnmatchedProbe: boolean;

  constructor(
    private readonly spec: JoinSpec,
    private readonly build: readonly Row[],
    ctx: CompileContext,
  ) {
    const { how, buildSide } = spec;
    this.keyed = spec.buildKeys.length > 0;
    this.probeKey = compileProjection(spec.probeKeys, spec.probeSchema, ctx);
    const buildKey = compileProjection(spec.buildKeys, spec.buildSchema, ctx);
    const [leftSchema, rightSchema] = buildSide === "right" ? [spec.probeSchema, spec.buildSchema] : [spec.buildSchema, spec.probeSchema];
    const joinedSchema = { fields: [...leftSchema.fields, ...rightSchema.fields] };
    this.residual = spec.condition ? compilePredicate(spec.condition, joinedSchema, ctx) : () => true;
    this.assemble = buildSide === "right" ? (p, b) => [...p, ...b] : (p, b) => [...b, ...p];
    this.buildNulls = spec.buildSchema.fields.map(() => null);
    this.probeNulls = spec.probeSchema.fields.map(() => null);
    const outerOnBuild = buildSide === "right" ? how === "right" || how === "full" : how === "left" || how === "full";
    this.buildMatched = outerOnBuild ? new Uint8Array(build.length) : undefined;
    this.keepUnmatchedProbe = buildSide === "right" ? how === "left" || how === "full" : how === "right" || how === "full";
    build.forEach((row, index) => {
      const key = buildKey(row);
      if (this.keyed && hasNull(key)) return;
      const id = JSON.stringify(key);
      const list = this.table.get(id);
      if (list) list.push(index);
      else this.table.set(id, [index]);
    });
  }

  /** Joined rows for a batch of probe rows (semi/anti: the probe rows kept). */
  probe(batch: readonly Row[]): Row[] {
    const { how } = this.spec;
    const out: Row[] = [];
    for (const p of batch) {
      const key = this.probeKey(p);
      const candidates = this.keyed && hasNull(key) ? undefined : this.table.get(JSON.stringify(key));
      let matched = false;
      for (const index of candidates ?? []) {
        const joined = this.assemble(p, this.build[index]!);
        if (!this.residual(joined)) continue;
        matched = true;
        if (how === "semi" || how === "anti") break;
        if (this.buildMatched) this.buildMatched[index] = 1;
        out.push(joined);
      }
      if (how === "semi") {
        if (matched) out.push(p);
      } else if (how === "anti") {
        if (!matched) out.push(p);
      } else if (!matched && this.keepUnmatchedProbe) out.push(this.assemble(p, this.buildNulls));
    }
    return out;
  }

  /** After the last probe: build rows an outer join keeps although nothing matched them. */
  unmatchedBuild(): Row[] {
    if (!this.buildMatched) return [];
    const out: Row[] = [];
    this.build.forEach((b, index) => {
      if (!this.buildMatched![index]) out.push(this.spec.buildSide === "right" ? [...this.probeNulls, ...b] : [...b, ...this.probeNulls]);
    });
    return out;
  }
}

type JoinSource = Extract<StageSource, { kind: "join" }>;

/** A shuffled join of one partition: builds on the right side, probes with the left. */
export function hashJoin(source: JoinSource, left: readonly Row[], right: readonly Row[], ctx: CompileContext): Row[] {
  const table = new JoinTable(
    {
      how: source.how,
      buildSide: "right",
      probeSchema: source.left.schema,
      buildSchema: source.right.schema,
      probeKeys: source.leftKeys,
      buildKeys: source.rightKeys,
      condition: source.condition,
    },
    right,
    ctx,
  );
  return [...table.probe(left), ...table.unmatchedBuild()];
}
