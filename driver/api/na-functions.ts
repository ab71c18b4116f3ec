/**
 * df.na (DataFrameNaFunctions) and its shortcuts df.fillna / dropna / replace, with PySpark's
 * arguments. The plans resolve once the schema is known (driver/planner/na-functions.ts).
 */
import type { UnresolvedPlan } from "../../shared/plan/logical.ts";
import type { Scalar } from "../../shared/plan/types.ts";

const list = (subset: string | readonly string[] | undefined): readonly string[] | null => (subset === undefined ? null : typeof subset === "string" ? [subset] : subset);

function fillPlan(input: UnresolvedPlan, value: Scalar | Readonly<Record<string, Scalar>>, subset?: string | readonly string[]): UnresolvedPlan {
  if (value !== null && typeof value === "object") {
    if (subset !== undefined) throw new Error("na.fill: a subset is not taken with a column-to-value object (the object names the columns).");
    return { kind: "fillNa", input, value: null, subset: null, perColumn: Object.entries(value) };
  }
  return { kind: "fillNa", input, value, subset: list(subset), perColumn: null };
}

function dropPlan(input: UnresolvedPlan, how: "any" | "all" = "any", thresh?: number | null, subset?: string | readonly string[]): UnresolvedPlan {
  if (how !== "any" && how !== "all") throw new Error(`na.drop: how must be "any" or "all", not ${JSON.stringify(how)}.`);
  return { kind: "dropNa", input, how, thresh: thresh ?? null, subset: list(subset) };
}

export type Replacement = Scalar | readonly Scalar[] | ReadonlyMap<Scalar, Scalar> | Readonly<Record<string, Scalar>>;

function replacePlan(input: UnresolvedPlan, toReplace: Replacement, value?: Scalar | readonly Scalar[], subset?: string | readonly string[]): UnresolvedPlan {
  let pairs: (readonly [Scalar, Scalar])[];
  if (toReplace instanceof Map) pairs = [...toReplace.entries()];
  else if (toReplace !== null && typeof toReplace === "object" && !Array.isArray(toReplace)) pairs = Object.entries(toReplace as Record<string, Scalar>);
  else {
    const from = Array.isArray(toReplace) ? (toReplace as readonly Scalar[]) : [toReplace as Scalar];
    if (value === undefined) throw new Error("na.replace: give the value to replace with (or an object or Map from old values to new ones).");
    const to = Array.isArray(value) ? (value as readonly Scalar[]) : from.map(() => value as Scalar);
    if (to.length !== from.length) throw new Error(`na.replace: ${from.length} value(s) to replace but ${to.length} replacement(s); give as many, or one replacement for all.`);
    pairs = from.map((f, i) => [f, to[i]!] as const);
  }
  return { kind: "replaceValues", input, pairs, subset: list(subset) };
}

/** df.na: the same operations as fillna, dropna and replace. */
export class DataFrameNaFunctions<D> {
  constructor(
    private readonly plan: UnresolvedPlan,
    private readonly wrap: (plan: UnresolvedPlan) => D,
  ) {}

  fill(value: Scalar | Readonly<Record<string, Scalar>>, subset?: string | readonly string[]): D {
    return this.wrap(fillPlan(this.plan, value, subset));
  }

  drop(how: "any" | "all" = "any", thresh?: number | null, subset?: string | readonly string[]): D {
    return this.wrap(dropPlan(this.plan, how, thresh, subset));
  }

  replace(toReplace: Replacement, value?: Scalar | readonly Scalar[], subset?: string | readonly string[]): D {
    return this.wrap(replacePlan(this.plan, toReplace, value, subset));
  }
}
