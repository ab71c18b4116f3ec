/**
 * A generator (explode, posexplode, inline, their _outer forms) out of a projection, as Spark's
 * ExtractGenerator: each generator of a select()/withColumn() list becomes a logical
 * `generate` node over the input (its columns after the input's), and the list reads the
 * generated columns in its place, in order (posexplode and inline give several). A generator
 * stands at the top of its column: nested in another expression, or anywhere else (filter,
 * groupBy, agg, orderBy), it is refused (resolve.ts).
 */
import { alias, column, containsGenerator, exprName, type Expr, type ExprOf } from "../../shared/plan/expr.ts";
import { generatedFields } from "../../shared/plan/generators.ts";
import { schemaOf, type LogicalPlan } from "../../shared/plan/logical.ts";
import { AnalysisError } from "../../shared/plan/resolve.ts";
import { displayName, markedName } from "../../shared/plan/names.ts";

/** The generator a list entry is (bare or aliased: alias() names its one column), or null. */
function generatorOf(e: Expr): ExprOf<"generator"> | null {
  if (e.kind === "generator") return e;
  if (e.kind === "alias" && e.expr.kind === "generator") return { ...e.expr, names: [e.name] };
  return null;
}

/**
 * The list's input with a `generate` node per generator under it (several make every
 * combination of their rows, the first generator's outermost, as Spark 4 does), and the list
 * reading the generated columns; unchanged without a generator.
 */
export function extractGenerator(input: LogicalPlan, exprs: readonly Expr[]): { readonly input: LogicalPlan; readonly exprs: readonly Expr[] } {
  if (!exprs.some(containsGenerator)) return { input, exprs };
  const nested = exprs.find((e) => generatorOf(e) === null && containsGenerator(e));
  if (nested !== undefined) {
    throw new AnalysisError(`[UNSUPPORTED_GENERATOR.NESTED_IN_EXPRESSIONS] The generator is not allowed to be nested in expressions, but found ${exprName(nested)}. Generate its column first, then compute with it.`);
  }
  let plan = input;
  const out: Expr[] = [];
  for (const e of exprs) {
    const requested = generatorOf(e);
    if (requested === null) {
      out.push(e);
      continue;
    }
    const schema = schemaOf(plan);
    const fields = generatedFields(requested, schema);
    // A generated column whose name the input already has gets a name of its own in the node, and its own back in the list.
    const taken = new Set(schema.fields.map((f) => f.name));
    const internal = fields.map((f) => {
      let name = f.name;
      for (let n = 0; taken.has(name); n++) name = `${f.name}#${n}`;
      taken.add(name);
      return name;
    });
    plan = { kind: "generate", input: plan, generator: { ...requested, names: internal } };
    // An output name the list already has (two explodes both give `col`) is an internal name that shows as it, as Spark allows.
    const shown = new Set(out.map((x) => displayName(exprName(x))));
    out.push(...fields.map((f, i) => (shown.has(f.name) ? alias(column(internal[i]!), markedName(f.name)) : internal[i] === f.name ? column(f.name) : alias(column(internal[i]!), f.name))));
  }
  return { input: plan, exprs: out };
}
