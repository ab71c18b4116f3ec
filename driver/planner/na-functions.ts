/**
 * df.na.fill / drop / replace (DataFrameNaFunctions), resolved once the input's schema is
 * known, as Spark's DataFrameNaFunctions builds them: a value fills the columns of its kind
 * (a number: every numeric column, the value cast to the column's type; a string: string
 * columns; a boolean: boolean columns), NaN counts as missing in double columns, and subset
 * names that match no column of that kind are passed over; drop keeps rows with at least
 * `thresh` values that are neither null nor NaN. Each builds a select or a filter over the
 * analyzed input, which the analyzer then checks like any other (implicit casts included).
 */
import { alias, binary, call, column, literal, unary, type Expr } from "../../shared/plan/expr.ts";
import { schemaOf, type LogicalPlan, type UnresolvedPlan } from "../../shared/plan/logical.ts";
import { AnalysisError, resolveColumn } from "../../shared/plan/resolve.ts";
import { isNumeric, type DataType, type Field, type Scalar } from "../../shared/plan/types.ts";

const over = (input: LogicalPlan): UnresolvedPlan => ({ kind: "analyzed", plan: input });
const project = (input: LogicalPlan, exprs: readonly Expr[]): UnresolvedPlan => ({ kind: "project", input: over(input), exprs });
const filter = (input: LogicalPlan, condition: Expr): UnresolvedPlan => ({ kind: "filter", input: over(input), condition });

type Kind = "number" | "string" | "boolean";

function kindOf(value: Scalar, what: string): Kind {
  if (typeof value === "number") return "number";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "boolean";
  throw new AnalysisError(`${what}: the value must be a number, a string or a boolean, not ${value === null ? "null" : typeof value}.`);
}

const accepts = (kind: Kind, type: DataType): boolean => (kind === "number" ? isNumeric(type) : type === kind);

/** Spark's fillCol: coalesce(nanvl(c, null) for doubles, cast(value as the column's type)). */
function filled(field: Field, value: Scalar): Expr {
  const c = column(field.name);
  const present = field.type === "double" ? call("nanvl", [c, literal(null)]) : c;
  const replacement: Expr = typeof value === "number" ? { kind: "cast", expr: literal(value), to: field.type } : literal(value);
  return alias(call("coalesce", [present, replacement]), field.name);
}

export function fillNa(input: LogicalPlan, p: Extract<UnresolvedPlan, { kind: "fillNa" }>): UnresolvedPlan {
  const schema = schemaOf(input);
  if (p.perColumn) {
    const values = new Map<string, Scalar>();
    for (const [name, value] of p.perColumn) {
      const field = resolveColumn(schema, name);
      const kind = kindOf(value, "na.fill");
      if (!accepts(kind, field.type)) throw new AnalysisError(`na.fill: column "${field.name}" is ${field.type}; a ${kind} cannot fill it.`);
      values.set(field.name, value);
    }
    return project(input, schema.fields.map((f) => (values.has(f.name) ? filled(f, values.get(f.name)!) : column(f.name))));
  }
  const kind = kindOf(p.value, "na.fill");
  const subset = p.subset ? new Set(p.subset) : null;
  return project(input, schema.fields.map((f) => (accepts(kind, f.type) && (!subset || subset.has(f.name)) ? filled(f, p.value) : column(f.name))));
}

export function dropNa(input: LogicalPlan, p: Extract<UnresolvedPlan, { kind: "dropNa" }>): UnresolvedPlan {
  const schema = schemaOf(input);
  const fields = p.subset ? p.subset.map((name) => resolveColumn(schema, name)) : schema.fields;
  const thresh = p.thresh ?? (p.how === "all" ? 1 : fields.length);
  if (!Number.isInteger(thresh)) throw new AnalysisError(`na.drop: thresh must be a whole number, not ${thresh}.`);
  if (thresh <= 0) return over(input);
  if (fields.length === 0 || thresh > fields.length) return filter(input, literal(false));
  // One per column that holds a value (not null, not NaN): Spark's AtLeastNNonNulls.
  const present = fields.map((f): Expr => {
    const missing = f.type === "double" ? binary("or", unary("isNull", column(f.name)), call("isnan", [column(f.name)])) : unary("isNull", column(f.name));
    return { kind: "caseWhen", branches: [{ when: missing, then: literal(0) }], otherwise: literal(1) };
  });
  return filter(input, binary("ge", present.reduce((a, b) => binary("add", a, b)), literal(thresh)));
}

export function replaceValues(input: LogicalPlan, p: Extract<UnresolvedPlan, { kind: "replaceValues" }>): UnresolvedPlan {
  const schema = schemaOf(input);
  if (p.pairs.length === 0) return over(input);
  const kinds = new Set(p.pairs.map(([from]) => kindOf(from, "na.replace")));
  if (kinds.size > 1) throw new AnalysisError("na.replace: the values to replace must all be numbers, all strings or all booleans.");
  const kind = [...kinds][0]!;
  for (const [, to] of p.pairs) if (to !== null && kindOf(to, "na.replace") !== kind) throw new AnalysisError(`na.replace: replacing a ${kind} by a ${typeof to} is not supported; replacements must be of the replaced values' kind, or null.`);
  const subset = p.subset ? new Set(p.subset) : null;
  p.subset?.forEach((name) => resolveColumn(schema, name));
  const replaced = (f: Field): Expr => {
    const c = column(f.name);
    const branches = p.pairs.map(([from, to]) => ({
      when: typeof from === "number" && Number.isNaN(from) ? call("isnan", [c]) : binary("eq", c, literal(from)),
      then: to === null ? ({ kind: "cast", expr: literal(null), to: f.type } as Expr) : { kind: "cast", expr: literal(to), to: f.type } as Expr,
    }));
    return alias({ kind: "caseWhen", branches, otherwise: c }, f.name);
  };
  return project(input, schema.fields.map((f) => (accepts(kind, f.type) && (!subset || subset.has(f.name)) ? replaced(f) : column(f.name))));
}
