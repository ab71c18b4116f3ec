/**
 * cache()/persist() the way Spark's CacheManager does it: the session remembers cached plans,
 * and any later query that contains an equal subtree reads the materialized copy instead of
 * recomputing it. DataFrames stay immutable; `df.cache()` is a statement, as in PySpark.
 *
 * On functions there is no executor memory that outlives a task, so "materialized" means
 * written once to the app's scratch space (Spark's DISK_ONLY level) and read back by later
 * jobs with ranged reads.
 */
import type { LogicalPlan, UnresolvedPlan } from "../shared/plan/logical.ts";

type CachedRelation = Extract<LogicalPlan, { kind: "cachedRelation" }>;

/** A copy of `plan` with `f` applied to each direct child. */
function mapChildren(plan: UnresolvedPlan, f: (child: UnresolvedPlan) => UnresolvedPlan): UnresolvedPlan {
  if ("left" in plan && "right" in plan) return { ...plan, left: f(plan.left), right: f(plan.right) } as UnresolvedPlan;
  if ("inputs" in plan && Array.isArray(plan.inputs)) return { ...plan, inputs: (plan.inputs as UnresolvedPlan[]).map(f) } as UnresolvedPlan;
  if ("input" in plan) return { ...plan, input: f(plan.input as UnresolvedPlan) } as UnresolvedPlan;
  return plan;
}

export class CacheManager {
  private readonly ids = new Map<string, number>();
  private readonly materialized = new Map<number, CachedRelation>();
  private nextId = 0;

  private key(plan: UnresolvedPlan): string {
    return JSON.stringify(plan);
  }

  register(plan: UnresolvedPlan): number {
    const key = this.key(plan);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(key, id);
    }
    return id;
  }

  /** Forgets a cached plan; returns its id so its stored partitions can be deleted. */
  unregister(plan: UnresolvedPlan): number | undefined {
    const key = this.key(plan);
    const id = this.ids.get(key);
    if (id === undefined) return undefined;
    this.ids.delete(key);
    this.materialized.delete(id);
    return id;
  }

  /** Wraps every cached subtree of `plan` in a cacheMarker (outermost match wins). */
  mark(plan: UnresolvedPlan): UnresolvedPlan {
    if (this.ids.size === 0) return plan;
    const id = this.ids.get(this.key(plan));
    const inner = mapChildren(plan, (child) => this.mark(child));
    return id === undefined ? inner : { kind: "cacheMarker", cacheId: id, input: inner };
  }

  /** Like mark(), but not the root itself: for materializing that root. */
  markBelow(plan: UnresolvedPlan): UnresolvedPlan {
    return mapChildren(plan, (child) => this.mark(child));
  }

  /** Cached subtrees of a marked plan that still need materializing, innermost first. */
  pending(marked: UnresolvedPlan): { cacheId: number; input: UnresolvedPlan }[] {
    const out: { cacheId: number; input: UnresolvedPlan }[] = [];
    const visit = (node: UnresolvedPlan): UnresolvedPlan => {
      mapChildren(node, visit);
      if (node.kind === "cacheMarker" && !this.materialized.has(node.cacheId) && !out.some((p) => p.cacheId === node.cacheId)) {
        out.push({ cacheId: node.cacheId, input: node.input });
      }
      return node;
    };
    visit(marked);
    return out;
  }

  get(cacheId: number): CachedRelation | undefined {
    return this.materialized.get(cacheId);
  }

  store(relation: CachedRelation): void {
    this.materialized.set(relation.cacheId, relation);
  }
}
