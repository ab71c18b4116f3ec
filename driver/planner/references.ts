/**
 * Column references as Spark resolves them: `col("t.x")` through a DataFrame's alias
 * (`df.alias("t")`), `*` and `t.*` in a select, `colRegex`, and the columns a join's two
 * sides share (a self-join), which the analyzer keeps under internal names
 * (shared/plan/names.ts) until a select picks one.
 *
 * Qualifiers are the analyzer's own bookkeeping: a node's output columns map to the aliases
 * that name them, kept beside the plan (a WeakMap), not in it. A node the alias did not make
 * passes on the qualifiers of each input column it outputs under the same name, as Spark's
 * attributes keep theirs through filters, sorts, joins and plain selects.
 */
import { alias, call, column, exprName, literal, transformExpr, type Expr } from "../../shared/plan/expr.ts";
import { inputsOf, project, schemaOf, type LogicalPlan } from "../../shared/plan/logical.ts";
import { displayName, displayText, isMarked, markedName, REGEX_COLUMN } from "../../shared/plan/names.ts";
import { AnalysisError } from "../../shared/plan/resolve.ts";
import { javaRegex } from "../../shared/plan/functions/regex.ts";
import { fieldsOf, type Field, type Schema } from "../../shared/plan/types.ts";

type Qualifiers = ReadonlyMap<string, readonly string[]>;

const QUALIFIERS = new WeakMap<LogicalPlan, Qualifiers>();

/** Each output column's qualifiers (the aliases that reach it). */
export function qualifiersOf(plan: LogicalPlan): Qualifiers {
  const known = QUALIFIERS.get(plan);
  if (known) return known;
  const inputs = inputsOf(plan).map(qualifiersOf);
  const out = new Map<string, readonly string[]>();
  if (inputs.some((q) => q.size > 0)) {
    for (const f of schemaOf(plan).fields) {
      const found = inputs.find((q) => q.has(f.name))?.get(f.name);
      if (found) out.set(f.name, found);
    }
  }
  QUALIFIERS.set(plan, out);
  return out;
}

/** df.alias(name): the same rows, every column qualified by `name` alone (as Spark's SubqueryAlias). */
export function aliased(input: LogicalPlan, name: string): LogicalPlan {
  if (name === "" || name.includes(".")) throw new AnalysisError(`alias("${name}"): a DataFrame's alias is a non-empty name without dots.`);
  const plan = { ...input };
  QUALIFIERS.set(plan, new Map(schemaOf(input).fields.map((f) => [f.name, [name]])));
  return plan;
}

/** The columns an expression can name, and their qualifiers. */
export interface Scope {
  readonly fields: readonly Field[];
  readonly qualifiers: Qualifiers;
}

export const scopeOf = (plan: LogicalPlan): Scope => ({ fields: schemaOf(plan).fields, qualifiers: qualifiersOf(plan) });

/** A join's scope: both sides' columns (their names are distinct: see separateSharedNames). */
export const joinedScope = (left: LogicalPlan, right: LogicalPlan): Scope => {
  const [l, r] = [scopeOf(left), scopeOf(right)];
  return { fields: [...l.fields, ...r.fields], qualifiers: new Map([...l.qualifiers, ...r.qualifiers]) };
};

const quote = (name: string) => `\`${name.replaceAll("`", "``")}\``;

function describe(f: Field, scope: Scope): string {
  const q = scope.qualifiers.get(f.name);
  return q?.length ? `${quote(q[0]!)}.${quote(displayName(f.name))}` : quote(displayName(f.name));
}

/** The internal name a user's column name refers to; an unknown name is returned as it is, for the checks that list what exists. */
export function resolveName(name: string, scope: Scope): string {
  if (scope.fields.some((f) => f.name === name)) return name;
  // `a.b` quoted: the column named a.b.
  if (name.length > 2 && name.startsWith("`") && name.endsWith("`")) return name.slice(1, -1).replaceAll("``", "`");
  const matching = (shown: string, qualifier?: string) =>
    scope.fields.filter((f) => displayName(f.name) === shown && (qualifier === undefined || (scope.qualifiers.get(f.name) ?? []).includes(qualifier)));
  const dot = name.indexOf(".");
  const qualified = dot > 0 ? matching(name.slice(dot + 1), name.slice(0, dot)) : [];
  let candidates = qualified.length ? qualified : matching(name);
  // Names are case-insensitive, as in Spark by default (spark.sql.caseSensitive=false): Amount reaches amount.
  if (candidates.length === 0) {
    const lower = (x: string) => x.toLowerCase();
    const loosely = (shown: string, qualifier?: string) =>
      scope.fields.filter((f) => lower(displayName(f.name)) === lower(shown) && (qualifier === undefined || (scope.qualifiers.get(f.name) ?? []).some((q) => lower(q) === lower(qualifier))));
    const looseQualified = dot > 0 ? loosely(name.slice(dot + 1), name.slice(0, dot)) : [];
    candidates = looseQualified.length ? looseQualified : loosely(name);
  }
  if (candidates.length === 1) return candidates[0]!.name;
  if (candidates.length > 1) {
    const unaliased = candidates.some((f) => !scope.qualifiers.get(f.name)?.length);
    throw new AnalysisError(
      `[AMBIGUOUS_REFERENCE] Reference ${quote(name)} is ambiguous, could be: [${candidates.map((f) => describe(f, scope)).join(", ")}]. ` +
        (unaliased ? `Give each side of the join an alias (df.alias("a").join(other.alias("b"), ...)) and name the column as col("a.${displayName(candidates[0]!.name)}").` : "Qualify it with its DataFrame's alias."),
    );
  }
  return name;
}

/** A subquery join's condition: each name reaches the right (the subquery's) side's column when it has one, else the left's. */
export function resolveInnerFirst(expr: Expr, left: LogicalPlan, right: LogicalPlan): Expr {
  const inner = scopeOf(right);
  const both = joinedScope(left, right);
  return transformExpr(expr, (e) => {
    if (e.kind !== "column") return undefined;
    const name = resolveName(e.name, inner);
    return column(inner.fields.some((f) => f.name === name) ? name : resolveName(e.name, both));
  });
}

/** An expression with its column names resolved to the columns they reach. */
export function resolveReferences(expr: Expr, scope: Scope): Expr {
  return transformExpr(expr, (e) => (e.kind === "column" ? columnOrField(e.name, scope) : undefined));
}

/**
 * A name as a column, or as a path into a struct column (`user.address.city`: the column
 * `user` or `t.user`, then its fields), as Spark resolves a dotted name that names no column.
 * Field names match case-insensitively when no field matches exactly.
 */
function columnOrField(name: string, scope: Scope): Expr {
  const resolved = resolveName(name, scope);
  if (scope.fields.some((f) => f.name === resolved) || !name.includes(".") || name.startsWith("`")) return column(resolved);
  const parts = name.split(".");
  for (let k = parts.length - 1; k >= 1; k--) {
    const head = resolveName(parts.slice(0, k).join("."), scope);
    const field = scope.fields.find((f) => f.name === head);
    if (!field || fieldsOf(field.type) === null) continue;
    let expr: Expr = column(head);
    let type = field.type;
    for (const part of parts.slice(k)) {
      const fields = fieldsOf(type);
      if (fields === null) throw new AnalysisError(`[INVALID_EXTRACT_BASE_FIELD_TYPE] Can't extract a value from ${quote(exprName(expr))}: it is ${type}, not a struct (in ${quote(name)}).`);
      const found = fields.find((f) => f.name === part) ?? fields.find((f) => f.name.toLowerCase() === part.toLowerCase());
      if (!found) throw new AnalysisError(`[FIELD_NOT_FOUND] No such struct field ${quote(part)} in ${fields.map((f) => quote(f.name)).join(", ")} (in ${quote(name)}).`);
      expr = call("get_field", [expr, literal(found.name)]);
      type = found.type;
    }
    return expr;
  }
  return column(resolved);
}

/**
 * A select's list resolved: `*`, `t.*` and colRegex columns expanded, names resolved, and each
 * output named as Spark names it (by the users' names, not internal ones). A column picked
 * from a self-join takes its user name back when no other output has that name.
 */
export function resolveSelectList(exprs: readonly Expr[], scope: Scope): Expr[] {
  const expanded = exprs.flatMap((e) => (e.kind === "column" ? expand(e.name, scope) ?? [e] : [e]));
  const resolved = expanded.map((e) => {
    const r = resolveReferences(e, scope);
    // A column named in another case (Amount for amount) is output under the name as written, as Spark does.
    if (e.kind === "column" && r.kind === "column" && r.name !== e.name) {
      const written = e.name.slice(e.name.lastIndexOf(".") + 1);
      const actual = displayName(r.name);
      if (written !== actual && written.toLowerCase() === actual.toLowerCase()) return alias(r, written);
    }
    if (r.kind === "column" || r.kind === "alias") return r;
    // col("user.name") is output as `name`, as Spark names a field it extracts by a dotted name.
    if (e.kind === "column" && r.kind === "call" && r.fn === "get_field") return alias(r, String((r.args[1] as Extract<Expr, { kind: "literal" }>).value));
    const shown = displayText(exprName(r));
    return shown === exprName(r) ? r : alias(r, shown);
  });
  const shown = resolved.map((e) => displayName(exprName(e)));
  const once = resolved.map((e, i) => {
    const name = exprName(e);
    if (!isMarked(name) || shown.indexOf(shown[i]!) !== shown.lastIndexOf(shown[i]!)) return e;
    return alias(e.kind === "alias" ? e.expr : e, shown[i]!);
  });
  // A name the list gives twice (select("i", "*") over i): the later ones under internal names that show as it, as Spark allows.
  const seen = new Set<string>();
  return once.map((e) => {
    const name = exprName(e);
    if (!seen.has(name)) {
      seen.add(name);
      return e;
    }
    return alias(e.kind === "alias" ? e.expr : e, markedName(name));
  });
}

/**
 * The qualifiers of a select's outputs: a column the select passes on, under its own name or
 * the user name of an internal one (`e.name` picked from a self-join), keeps its qualifiers,
 * so that ORDER BY e.name above it still reaches it.
 */
export function qualifySelect(plan: LogicalPlan, input: LogicalPlan): LogicalPlan {
  if (plan.kind !== "project") return plan;
  const before = qualifiersOf(input);
  if (before.size === 0) return plan;
  const after = new Map(qualifiersOf(plan));
  for (const e of plan.exprs) {
    const source = e.kind === "alias" ? e.expr : e;
    if (source.kind !== "column") continue;
    const q = before.get(source.name);
    if (q && (e.kind === "column" || displayName(exprName(e)) === displayName(source.name))) after.set(exprName(e), q);
  }
  QUALIFIERS.set(plan, after);
  return plan;
}

/** The columns `*`, `t.*` or a colRegex pattern stands for; undefined for a plain name. */
function expand(name: string, scope: Scope): Expr[] | undefined {
  if (scope.fields.some((f) => f.name === name)) return undefined;
  if (name === "*") return scope.fields.map((f) => column(f.name));
  if (name.startsWith(REGEX_COLUMN)) {
    const pattern = name.slice(REGEX_COLUMN.length);
    const regex = javaRegex(pattern);
    const whole = new RegExp(`^(?:${regex.source})$`, regex.flags.replace("g", ""));
    return scope.fields.filter((f) => whole.test(displayName(f.name))).map((f) => column(f.name));
  }
  if (name.endsWith(".*")) {
    const qualifier = name.slice(0, -2);
    const fields = scope.fields.filter((f) => scope.qualifiers.get(f.name)?.includes(qualifier));
    if (fields.length === 0) {
      const known = [...new Set([...scope.qualifiers.values()].flat())];
      throw new AnalysisError(`[CANNOT_RESOLVE_STAR_EXPAND] Cannot resolve ${quote(qualifier)}.* given input columns ${scope.fields.map((f) => quote(displayName(f.name))).join(", ")}: no DataFrame here has the alias "${qualifier}"${known.length ? ` (aliases: ${known.join(", ")})` : ""}.`);
    }
    return fields.map((f) => column(f.name));
  }
  return undefined;
}

/**
 * A join's sides with the column names they share renamed apart (internal names that show as
 * the shared name), so the join's output holds both, as Spark's does; `except` names are
 * left alone (a using-join's keys), and a semi or anti join (`rightOnly`), whose output is its
 * left side, renames the right side's. Each renamed column keeps its qualifiers.
 */
export function separateSharedNames(left: LogicalPlan, right: LogicalPlan, except: readonly string[] = [], rightOnly = false): [LogicalPlan, LogicalPlan] {
  const leftNames = new Set(schemaOf(left).fields.map((f) => f.name));
  const shared = new Set(schemaOf(right).fields.map((f) => f.name).filter((n) => leftNames.has(n) && !except.includes(n)));
  if (shared.size === 0) return [left, right];
  const rename = (side: LogicalPlan): LogicalPlan => {
    const before = qualifiersOf(side);
    const after = new Map<string, readonly string[]>();
    const exprs = schemaOf(side).fields.map((f) => {
      const name = shared.has(f.name) ? markedName(f.name) : f.name;
      const q = before.get(f.name);
      if (q) after.set(name, q);
      return name === f.name ? column(name) : alias(column(f.name), name);
    });
    const plan = project(side, exprs);
    QUALIFIERS.set(plan, after);
    return plan;
  };
  return [rightOnly ? left : rename(left), rename(right)];
}

/**
 * The plan an action runs: columns under internal names take their users' names back where
 * that leaves the names distinct; where it does not (a self-join's output, uncut), they stay
 * apart, and the session shows their users' names.
 */
export function withUserNames(plan: LogicalPlan): LogicalPlan {
  const fields = schemaOf(plan).fields;
  if (!fields.some((f) => isMarked(f.name))) return plan;
  const shown = fields.map((f) => displayName(f.name));
  const renamed = fields.map((f, i) => (isMarked(f.name) && shown.indexOf(shown[i]!) === shown.lastIndexOf(shown[i]!) ? alias(column(f.name), shown[i]!) : column(f.name)));
  return renamed.some((e) => e.kind === "alias") ? project(plan, renamed) : plan;
}

/** A result's schema as users see it: a self-join's two `name` columns are both `name`. */
export function userSchema(schema: Schema): Schema {
  return schema.fields.some((f) => isMarked(f.name)) ? { fields: schema.fields.map((f) => ({ ...f, name: displayName(f.name) })) } : schema;
}

/** Files cannot hold two columns of one name: Spark refuses such a write, and so does sparkfn. */
export function refuseSharedNames(schema: Schema, format: string): void {
  const shown = schema.fields.map((f) => displayName(f.name));
  const twice = shown.find((n, i) => shown.indexOf(n) !== i);
  if (twice !== undefined) {
    throw new AnalysisError(`[COLUMN_ALREADY_EXISTS] The column \`${twice}\` already exists: a ${format} file cannot hold two columns of one name (a join's sides both have it). Select the columns to keep, or rename one with col("alias.${twice}").alias("other_name").`);
  }
}

/**
 * GROUP BY keys that name a select-list alias (the SQL builder's `groupByAliases`, and
 * `keyAliases` under ROLLUP, CUBE and GROUPING SETS): the input's column of that name when it
 * has one (Spark resolves grouping names against the input first), else the aliased
 * expression; the key keeps its hidden name either way.
 */
export function byColumnOrAlias(keys: readonly Expr[], aliases: readonly (Expr | null)[], input: LogicalPlan): Expr[] {
  const scope = scopeOf(input);
  return keys.map((key, i) => {
    const fallback = aliases[i];
    if (!fallback || key.kind !== "alias" || key.expr.kind !== "column") return key;
    const name = resolveName(key.expr.name, scope);
    return scope.fields.some((f) => f.name === name) ? key : alias(fallback, key.name);
  });
}
