/**
 * The analyzer: turns what the DataFrame API built (an UnresolvedPlan) into a checked
 * logical plan. It lists and reads input files (to find or infer schemas) and re-creates
 * every node through the validating factories, so a wrong column or type fails here, on the
 * driver, with a message that names it: before any task is launched.
 */
import { alias, binary, call, column, conjuncts, exprName, referencedColumns, type Expr } from "../../shared/plan/expr.ts";
import { parseJoinType, RIGHT_KEY_SUFFIX, splitJoinCondition } from "../../shared/plan/join.ts";
import {
  aggregate,
  coalesce,
  filter,
  join,
  limit,
  offset,
  union,
  project,
  repartition,
  schemaOf,
  sort,
  type LogicalPlan,
  type UnresolvedPlan,
} from "../../shared/plan/logical.ts";
import { AnalysisError, resolveColumn } from "../../shared/plan/resolve.ts";
import { intervalOf, isNumeric, widerInterval, widerNumeric, type DataType, type Schema, type Value } from "../../shared/plan/types.ts";
import type { FileFormat } from "../../shared/plan/file-source.ts";
import { coerce, type CoercionOptions } from "../../shared/plan/coercion.ts";
import { projectWithWindows, refuseWindows } from "./windows.ts";
import { extractGenerator } from "./generators.ts";
import { dropNa, fillNa, replaceValues } from "./na-functions.ts";
import { setOperation } from "./set-operations.ts";
import { groupingSets } from "./grouping-sets.ts";
import { pivot } from "./pivot.ts";
import { unpivot } from "./unpivot.ts";
import { summary } from "./summary.ts";
import { scalarSubqueryJoin } from "./scalar-subquery.ts";
import { ELEMENT_SCHEMA } from "../../shared/plan/physical.ts";
import { aliased, byColumnOrAlias, joinedScope, qualifySelect, resolveInnerFirst, resolveName, resolveReferences, resolveSelectList, scopeOf, separateSharedNames } from "./references.ts";

export interface ScanResolver {
  /** Lists the input files and finds (or infers) their schema. */
  resolveScan(format: FileFormat, paths: readonly string[], options: Readonly<Record<string, string>>, schema: Schema | null): Promise<Extract<LogicalPlan, { kind: "scan" }>>;
  /** spark.sql.ansi.enabled (absent: true): the mode of casts and of implicit coercion. */
  readonly ansi?: boolean;
  /** spark.sql.mapKeyDedupPolicy = LAST_WIN (absent: EXCEPTION): a repeated map key keeps its last value. */
  readonly mapKeyLastWin?: boolean;
  /** The materialized relation of a cached subtree, if it has been materialized. */
  cached(cacheId: number): Extract<LogicalPlan, { kind: "cachedRelation" }> | undefined;
  /** Runs a query at analysis (a pivot's distinct values, as Spark's pivot() does); absent: pivots need their values given. */
  readonly run?: (plan: UnresolvedPlan) => Promise<Value[][]>;
}

type Kind = UnresolvedPlan["kind"];
type Resolvers = { [K in Kind]: (plan: Extract<UnresolvedPlan, { kind: K }>, r: ScanResolver) => Promise<LogicalPlan> };

/** The session's settings implicit coercion stamps on expressions (shared/plan/coercion.ts). */
const coercionOf = (r: ScanResolver): CoercionOptions => ({ ansi: r.ansi ?? true, ...(r.mapKeyLastWin ? { mapKeyLastWin: true } : {}) });

const allColumns = (schema: Schema) => schema.fields.map((f) => column(f.name));

/**
 * Expressions over `input` with their column references resolved (references.ts: `t.x`, `*`,
 * a self-join's columns), Spark's implicit casts and the session's cast mode
 * (shared/plan/coercion.ts); an output column keeps the name it had before coercion.
 */
const coerced = (exprs: readonly Expr[], input: LogicalPlan, r: ScanResolver, outputs = true): Expr[] => {
  const schema = schemaOf(input);
  const scope = scopeOf(input);
  const resolved = outputs ? resolveSelectList(exprs, scope) : exprs.map((e) => resolveReferences(e, scope));
  return resolved.map((e) => {
    const c = coerce(e, schema, coercionOf(r));
    return !outputs || c.kind === "alias" || exprName(c) === exprName(e) ? c : alias(c, exprName(e));
  });
};

const RESOLVE: Resolvers = {
  unresolvedScan: (p, r) => r.resolveScan(p.format, p.paths, p.options, p.schema),
  scan: async (p) => p,
  cachedRelation: async (p) => p,
  cacheMarker: async (p, r) => r.cached(p.cacheId) ?? analyze(p.input, r),
  localRelation: async (p) => p,
  range: async (p) => p,
  withColumns: async (p, r) => {
    const input = await analyze(p.input, r);
    const schema = schemaOf(input);
    const replaced = new Map(p.columns.map((c) => [c.name, c.expr]));
    const kept = schema.fields.map((f) => (replaced.has(f.name) ? { kind: "alias" as const, expr: replaced.get(f.name)!, name: f.name } : column(f.name)));
    const added = p.columns.filter((c) => !schema.fields.some((f) => f.name === c.name)).map((c) => ({ kind: "alias" as const, expr: c.expr, name: c.name }));
    const generated = extractGenerator(input, coerced([...kept, ...added], input, r));
    return projectWithWindows(generated.input, generated.exprs);
  },
  dropColumns: async (p, r) => {
    const input = await analyze(p.input, r);
    // Like Spark, dropping a column that does not exist is a no-op.
    return project(input, allColumns(schemaOf(input)).filter((c) => !p.names.includes(exprName(c))));
  },
  renameColumn: async (p, r) => {
    const input = await analyze(p.input, r);
    const schema = schemaOf(input);
    if (!schema.fields.some((f) => f.name === p.from)) return input;
    return project(input, schema.fields.map((f) => (f.name === p.from ? { kind: "alias" as const, expr: column(f.name), name: p.to } : column(f.name))));
  },
  distinct: async (p, r) => {
    const input = await analyze(p.input, r);
    return aggregate(input, allColumns(schemaOf(input)), []);
  },
  project: async (p, r) => {
    const input = await analyze(p.input, r);
    const generated = extractGenerator(input, coerced(p.exprs, input, r));
    return qualifySelect(projectWithWindows(generated.input, generated.exprs), input);
  },
  filter: async (p, r) => {
    const input = await analyze(p.input, r);
    refuseWindows([p.condition], "filter");
    return filter(input, coerced([p.condition], input, r, false)[0]!);
  },
  aggregate: async (p, r) => {
    const input = await analyze(p.input, r);
    const groupBy = p.groupByAliases ? byColumnOrAlias(p.groupBy, p.groupByAliases, input) : p.groupBy;
    refuseWindows([...groupBy, ...p.aggregates], "agg");
    groupBy.forEach((g) => g.kind === "column" && resolveColumn(schemaOf(input), resolveName(g.name, scopeOf(input))));
    return aggregate(input, coerced(groupBy, input, r, false), coerced(p.aggregates, input, r));
  },
  sort: async (p, r) => {
    refuseWindows(p.orders.map((o) => o.expr), "orderBy");
    const input = await analyze(p.input, r);
    const scope = scopeOf(input);
    return sort(input, p.orders.map((o) => ({ ...o, expr: resolveReferences(o.expr, scope) })), p.numPartitions);
  },
  limit: async (p, r) => limit(await analyze(p.input, r), p.n),
  offset: async (p, r) => offset(await analyze(p.input, r), p.n),
  repartition: async (p, r) => {
    const input = await analyze(p.input, r);
    const scope = scopeOf(input);
    return repartition(input, p.numPartitions, p.exprs.map((e) => resolveReferences(e, scope)));
  },
  coalesce: async (p, r) => coalesce(await analyze(p.input, r), p.numPartitions),
  hint: async (p, r) => ({ kind: "hint", input: await analyze(p.input, r), hint: p.hint }),
  mapPartitions: async (p, r) => ({ ...p, input: await analyze(p.input, r) }),
  combineByKey: async (p, r) => ({ ...p, input: await analyze(p.input, r) }),
  dropDuplicates: async (p, r) => {
    const input = await analyze(p.input, r);
    const names = schemaOf(input).fields.map((f) => f.name);
    p.columns.forEach((c) => resolveColumn(schemaOf(input), c));
    const keys = p.columns.length ? p.columns : names;
    // One row per distinct key: the first row's values for the other columns, as Spark keeps one.
    const others = names.filter((n) => !keys.includes(n));
    const grouped = aggregate(input, keys.map(column), others.map((n) => alias({ kind: "agg", fn: "first", arg: column(n) }, n)));
    return project(grouped, names.map(column));
  },
  unresolvedUnion: async (p, r) => {
    const inputs = await Promise.all(p.inputs.map((i) => analyze(i, r)));
    if (!p.byName) return union(widenColumns(inputs));
    // unionByName: reorder every later input's columns to the first one's names.
    const names = schemaOf(inputs[0]!).fields.map((f) => f.name);
    return union(
      widenColumns(inputs.map((input, n) => {
        if (n === 0) return input;
        const have = schemaOf(input).fields.map((f) => f.name);
        const missing = names.filter((x) => !have.includes(x));
        const extra = have.filter((x) => !names.includes(x));
        if (missing.length || extra.length) {
          throw new AnalysisError(`unionByName: input ${n + 1} ${missing.length ? `lacks ${missing.join(", ")}` : ""}${missing.length && extra.length ? " and " : ""}${extra.length ? `has extra ${extra.join(", ")}` : ""}.`);
        }
        return project(input, names.map(column));
      })),
    );
  },
  unresolvedJoin: async (p, r) => {
    const how = parseJoinType(p.how);
    // Columns both sides have stay apart under internal names (references.ts), as a self-join's do in Spark.
    const keys = Array.isArray(p.on) ? (p.on as readonly string[]) : [];
    const sides = await Promise.all([analyze(p.left, r), analyze(p.right, r)]);
    const [left, right] = separateSharedNames(sides[0], sides[1], keys, how === "semi" || how === "anti");
    if (p.on === null) return join(left, right, how, [], [], null);
    if (Array.isArray(p.on)) return usingJoin(left, right, how, keys);
    // A string key beside a number, boolean or date is cast as in a comparison (shared/plan/coercion.ts).
    const condition = p.innerFirst ? resolveInnerFirst(p.on as Expr, left, right) : resolveReferences(p.on as Expr, joinedScope(left, right));
    const both = { fields: [...schemaOf(left).fields, ...schemaOf(right).fields] };
    return conditionJoin(left, right, how, coerce(condition, both, coercionOf(r)));
  },
  subqueryAlias: async (p, r) => aliased(await analyze(p.input, r), p.alias),
  scalarSubquery: async (p, r) => {
    const [outer, inner] = await Promise.all([analyze(p.outer, r), analyze(p.inner, r)]);
    return scalarSubqueryJoin({ outer, inner, where: p.where, value: p.value, name: p.name, coercion: coercionOf(r) });
  },
  sampleRows: async (p, r) => {
    // Rows become objects for the sampler and rows of the same schema again (createDataFrame's path).
    const input = await analyze(p.input, r);
    const objects: LogicalPlan = { kind: "mapPartitions", input, mode: "toObjects", fn: null, zero: null, schema: ELEMENT_SCHEMA };
    const sampled: LogicalPlan = { kind: "mapPartitions", input: objects, mode: "mapPartitionsWithIndex", fn: p.sampler, zero: null, schema: ELEMENT_SCHEMA };
    return { kind: "mapPartitions", input: sampled, mode: "toRows", fn: null, zero: null, schema: schemaOf(input) };
  },
  renameAll: async (p, r) => {
    const input = await analyze(p.input, r);
    const fields = schemaOf(input).fields;
    if (p.names.length !== fields.length) {
      throw new AnalysisError(`toDF: ${p.names.length} name(s) given for ${fields.length} column(s) (${fields.map((f) => f.name).join(", ")}); give one name per column.`);
    }
    return project(input, fields.map((f, i) => alias(column(f.name), p.names[i]!)));
  },
  fillNa: async (p, r) => analyze(fillNa(await analyze(p.input, r), p), r),
  dropNa: async (p, r) => analyze(dropNa(await analyze(p.input, r), p), r),
  replaceValues: async (p, r) => analyze(replaceValues(await analyze(p.input, r), p), r),
  setOperation: async (p, r) => {
    const [left, right] = await Promise.all([analyze(p.left, r), analyze(p.right, r)]);
    return analyze(setOperation(left, right, p), r);
  },
  groupingSets: async (p, r) => analyze(groupingSets(await analyze(p.input, r), p), r),
  pivot: async (p, r) => analyze(await pivot(await analyze(p.input, r), p, r.run), r),
  unpivot: async (p, r) => analyze(unpivot(await analyze(p.input, r), p), r),
  summary: async (p, r) => analyze(summary(await analyze(p.input, r), p), r),
  analyzed: async (p) => p.plan,
};

/**
 * `df.join(other, ["k1", "k2"], how)`: keys appear once in the output (from the left, from
 * the right for a right join, coalesced for a full join), then the other left columns, then
 * the other right columns, as in Spark.
 */
function usingJoin(left: LogicalPlan, right: LogicalPlan, how: ReturnType<typeof parseJoinType>, keys: readonly string[]): LogicalPlan {
  const [ls, rs] = [schemaOf(left), schemaOf(right)];
  for (const key of keys) {
    if (!ls.fields.some((f) => f.name === key)) throw new AnalysisError(`join: key "${key}" is not a column of the left side (${ls.fields.map((f) => f.name).join(", ")}).`);
    if (!rs.fields.some((f) => f.name === key)) throw new AnalysisError(`join: key "${key}" is not a column of the right side (${rs.fields.map((f) => f.name).join(", ")}).`);
  }
  const renamed = (name: string) => `${name}${RIGHT_KEY_SUFFIX}`;
  const rightSide = project(right, rs.fields.map((f) => (keys.includes(f.name) ? alias(column(f.name), renamed(f.name)) : column(f.name))));
  const joined = join(left, rightSide, how, keys.map(column), keys.map((k) => column(renamed(k))), null);
  if (how === "semi" || how === "anti") return joined;
  const keyColumns = keys.map((k) =>
    how === "full" ? alias(call("coalesce", [column(k), column(renamed(k))]), k) : how === "right" ? alias(column(renamed(k)), k) : column(k),
  );
  const others = (fields: Schema["fields"]) => fields.filter((f) => !keys.includes(f.name)).map((f) => column(f.name));
  return project(joined, [...keyColumns, ...others(ls.fields), ...others(rs.fields)]);
}

/**
 * The inputs of a union with each column cast to the type all inputs' columns widen to, as
 * Spark's union does (int and double: double; a null column: the others' type); inputs that
 * cannot unify are left for union() to refuse.
 */
export function widenColumns(inputs: readonly LogicalPlan[]): LogicalPlan[] {
  const schemas = inputs.map(schemaOf);
  const width = schemas[0]!.fields.length;
  if (schemas.some((s) => s.fields.length !== width)) return [...inputs];
  const targets = schemas[0]!.fields.map((_, i) => {
    const types = [...new Set(schemas.map((s) => s.fields[i]!.type).filter((t): t is Exclude<DataType, "null" | "any"> => t !== "null" && t !== "any"))];
    if (types.length <= 1) return types[0];
    // Spark's wider types for set operations: numbers, intervals of one kind (the widest
    // fields), and datetimes (a date beside a timestamp is that timestamp type; timestamp wins over timestamp_ntz).
    if (types.every(isNumeric)) return types.reduce((a, b) => widerNumeric(a, b) as typeof a);
    const kind = intervalOf(types[0]!)?.kind;
    if (kind !== undefined && types.every((t) => intervalOf(t)?.kind === kind)) return types.reduce((a, b) => widerInterval(a, b) as typeof a);
    if (types.every((t) => t === "date" || t === "timestamp" || t === "timestamp_ntz")) return types.includes("timestamp") ? "timestamp" : "timestamp_ntz";
    return undefined;
  });
  return inputs.map((input, n) => {
    const fields = schemas[n]!.fields;
    if (fields.every((f, i) => targets[i] === undefined || f.type === targets[i])) return input;
    return project(input, fields.map((f, i) => (targets[i] === undefined || f.type === targets[i] ? column(f.name) : alias({ kind: "cast", expr: column(f.name), to: targets[i]! }, f.name))));
  });
}

/** A condition's `left.a = right.b` conjuncts become hash keys; the rest is checked per pair. */
function conditionJoin(left: LogicalPlan, right: LogicalPlan, how: ReturnType<typeof parseJoinType>, condition: Expr): LogicalPlan {
  const names = (plan: LogicalPlan) => new Set(schemaOf(plan).fields.map((f) => f.name));
  const { leftKeys, rightKeys, rest } = splitJoinCondition(names(left), names(right), condition);
  return join(left, right, how, leftKeys, rightKeys, rest);
}

export async function analyze(plan: UnresolvedPlan, resolver: ScanResolver): Promise<LogicalPlan> {
  const resolve = RESOLVE[plan.kind] as (p: UnresolvedPlan, r: ScanResolver) => Promise<LogicalPlan>;
  return resolve(plan, resolver);
}

export { AnalysisError };
