/**
 * The analyzer: turns what the DataFrame API built (an UnresolvedPlan) into a checked
 * logical plan. It lists and reads input files (to find or infer schemas) and re-creates
 * every node through the validating factories, so a wrong column or type fails here, on the
 * driver, with a message that names it: before any task is launched.
 */
import { column, exprName } from "../../shared/plan/expr.ts";
import {
  aggregate,
  filter,
  limit,
  project,
  repartition,
  schemaOf,
  sort,
  type LogicalPlan,
  type UnresolvedPlan,
} from "../../shared/plan/logical.ts";
import { AnalysisError, resolveColumn } from "../../shared/plan/resolve.ts";
import type { Schema } from "../../shared/plan/types.ts";

export interface ScanResolver {
  /** Lists the input files and finds (or infers) their schema. */
  resolveCsv(paths: readonly string[], options: Readonly<Record<string, string>>, schema: Schema | null): Promise<Extract<LogicalPlan, { kind: "scan" }>>;
}

type Kind = UnresolvedPlan["kind"];
type Resolvers = { [K in Kind]: (plan: Extract<UnresolvedPlan, { kind: K }>, r: ScanResolver) => Promise<LogicalPlan> };

const allColumns = (schema: Schema) => schema.fields.map((f) => column(f.name));

const RESOLVE: Resolvers = {
  unresolvedScan: (p, r) => r.resolveCsv(p.paths, p.options, p.schema),
  scan: async (p) => p,
  localRelation: async (p) => p,
  range: async (p) => p,
  withColumns: async (p, r) => {
    const input = await analyze(p.input, r);
    const schema = schemaOf(input);
    const replaced = new Map(p.columns.map((c) => [c.name, c.expr]));
    const kept = schema.fields.map((f) => (replaced.has(f.name) ? { kind: "alias" as const, expr: replaced.get(f.name)!, name: f.name } : column(f.name)));
    const added = p.columns.filter((c) => !schema.fields.some((f) => f.name === c.name)).map((c) => ({ kind: "alias" as const, expr: c.expr, name: c.name }));
    return project(input, [...kept, ...added]);
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
  project: async (p, r) => project(await analyze(p.input, r), p.exprs),
  filter: async (p, r) => filter(await analyze(p.input, r), p.condition),
  aggregate: async (p, r) => {
    const input = await analyze(p.input, r);
    p.groupBy.forEach((g) => g.kind === "column" && resolveColumn(schemaOf(input), g.name));
    return aggregate(input, p.groupBy, p.aggregates);
  },
  sort: async (p, r) => sort(await analyze(p.input, r), p.orders),
  limit: async (p, r) => limit(await analyze(p.input, r), p.n),
  repartition: async (p, r) => repartition(await analyze(p.input, r), p.numPartitions, p.exprs),
};

export async function analyze(plan: UnresolvedPlan, resolver: ScanResolver): Promise<LogicalPlan> {
  const resolve = RESOLVE[plan.kind] as (p: UnresolvedPlan, r: ScanResolver) => Promise<LogicalPlan>;
  return resolve(plan, resolver);
}

export { AnalysisError };
