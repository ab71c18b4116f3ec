/**
 * df.unpivot(ids, values, variableColumnName, valueColumnName) (and its alias melt), as
 * Spark's: for each input row and each value column, a row of the id columns, the value
 * column's name and its value, the values widened to one type (numbers to the widest; other
 * types must be the same, as Spark's UNPIVOT_VALUE_DATA_TYPE_MISMATCH says). Without value
 * columns, every column that is not an id. Planned as a union of one select per value column
 * (Spark expands each row once per value column: the same rows, in another order).
 */
import { alias, exprName, literal, type Expr } from "../../shared/plan/expr.ts";
import { schemaOf, type LogicalPlan, type UnresolvedPlan } from "../../shared/plan/logical.ts";
import { AnalysisError, typeOf } from "../../shared/plan/resolve.ts";
import { isNumeric, widerNumeric, type DataType } from "../../shared/plan/types.ts";

type Unpivot = Extract<UnresolvedPlan, { kind: "unpivot" }>;

export function unpivot(input: LogicalPlan, p: Unpivot): UnresolvedPlan {
  const schema = schemaOf(input);
  const idNames = new Set(p.ids.map(exprName));
  const values = p.values ?? schema.fields.filter((f) => !idNames.has(f.name)).map((f): Expr => ({ kind: "column", name: f.name }));
  if (values.length === 0) throw new AnalysisError("[UNPIVOT_REQUIRES_VALUE_COLUMNS] unpivot: give at least one value column (every column is an id).");
  const types = values.map((v) => typeOf(v, schema).type);
  const known = types.filter((t) => t !== "null");
  let type: DataType = known[0] ?? "null";
  if (known.every(isNumeric)) type = known.reduce<DataType>((a, b) => widerNumeric(a, b), type);
  else if (known.some((t) => t !== type)) {
    throw new AnalysisError(
      `[UNPIVOT_VALUE_DATA_TYPE_MISMATCH] unpivot: the value columns have types with no common type (${values.map((v, i) => `${exprName(v)}: ${types[i]}`).join(", ")}); cast them to one type first.`,
    );
  }
  const branches = values.map((v, i): UnresolvedPlan => ({
    kind: "project",
    input: { kind: "analyzed", plan: input },
    exprs: [...p.ids, alias(literal(exprName(v)), p.variableColumnName), alias(types[i] === type ? v : { kind: "cast", expr: v, to: type }, p.valueColumnName)],
  }));
  return branches.length === 1 ? branches[0]! : { kind: "unresolvedUnion", inputs: branches, byName: false };
}
