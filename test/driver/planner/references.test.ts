/**
 * Column references (driver/planner/references.ts), on plans built by hand: qualified names
 * through aliases, a join's shared names kept apart, `*` and `t.*`, colRegex patterns, and
 * the names users get back.
 */
import { describe, expect, it } from "vitest";
import { alias, column, exprName, type Expr } from "../../../shared/plan/expr.ts";
import { filter, join, schemaOf, type LogicalPlan } from "../../../shared/plan/logical.ts";
import { displayName, isMarked, REGEX_COLUMN } from "../../../shared/plan/names.ts";
import { parseDdlSchema } from "../../../shared/plan/types.ts";
import { aliased, joinedScope, qualifiersOf, refuseSharedNames, resolveName, resolveSelectList, scopeOf, separateSharedNames, userSchema, withUserNames } from "../../../driver/planner/references.ts";

const relation = (ddl: string): LogicalPlan => ({ kind: "localRelation", schema: parseDdlSchema(ddl), rows: [], numPartitions: 1 });
const people = () => relation("id INT, name STRING, manager INT");
const names = (plan: LogicalPlan) => schemaOf(plan).fields.map((f) => f.name);

/** e.manager = m.id over people aliased e and m, as the analyzer builds it. */
function selfJoin(): { plan: LogicalPlan; left: LogicalPlan; right: LogicalPlan } {
  const [left, right] = separateSharedNames(aliased(people(), "e"), aliased(people(), "m"));
  const scope = joinedScope(left, right);
  const plan = join(left, right, "inner", [column(resolveName("e.manager", scope))], [column(resolveName("m.id", scope))], null);
  return { plan, left, right };
}

describe("column references", () => {
  it("reaches an aliased DataFrame's columns as alias.column, and a dotted name that exists as itself", () => {
    const t = aliased(people(), "t");
    expect(resolveName("t.name", scopeOf(t))).toBe("name");
    expect(resolveName("name", scopeOf(t))).toBe("name");
    const dotted = relation("`a.b` INT, c INT");
    expect(resolveName("a.b", scopeOf(dotted))).toBe("a.b");
    expect(resolveName("`a.b`", scopeOf(dotted))).toBe("a.b");
    // An unknown name comes back as it is, for the checks that list the columns that exist.
    expect(resolveName("u.name", scopeOf(t))).toBe("u.name");
  });

  it("keeps qualifiers through a filter and a renaming select, but not on a computed column", () => {
    const t = aliased(people(), "t");
    const filtered = filter(t, { kind: "binary", op: "gt", left: column("id"), right: { kind: "literal", value: 1, type: "int" } });
    expect(qualifiersOf(filtered).get("name")).toEqual(["t"]);
    const list = resolveSelectList([column("t.id"), alias(column("t.name"), "who")], scopeOf(filtered));
    expect(list.map(exprName)).toEqual(["id", "who"]);
  });

  it("keeps a join's shared names apart, each reachable through its side's alias, and refuses the bare name", () => {
    const { plan } = selfJoin();
    const fields = names(plan);
    expect(new Set(fields).size).toBe(6);
    expect(fields.map(displayName)).toEqual(["id", "name", "manager", "id", "name", "manager"]);
    const scope = scopeOf(plan);
    const e = resolveName("e.name", scope);
    const m = resolveName("m.name", scope);
    expect([isMarked(e), isMarked(m), e === m]).toEqual([true, true, false]);
    expect(fields.indexOf(e)).toBe(1);
    expect(fields.indexOf(m)).toBe(4);
    expect(() => resolveName("name", scope)).toThrow(/AMBIGUOUS_REFERENCE.*`e`\.`name`, `m`\.`name`/);
  });

  it("names a select's columns by the users' names: once each, or twice when both sides' are picked", () => {
    const scope = scopeOf(selfJoin().plan);
    const one = resolveSelectList([column("e.name"), alias(column("m.name"), "boss")], scope);
    expect(one.map(exprName)).toEqual(["name", "boss"]);
    const both = resolveSelectList([column("e.name"), column("m.name")], scope);
    expect(both.map((x) => displayName(exprName(x)))).toEqual(["name", "name"]);
    expect(both.every((x) => isMarked(exprName(x)))).toBe(true);
    const computed = resolveSelectList([{ kind: "binary", op: "add", left: column("e.id"), right: column("m.id") } as Expr], scope);
    expect(computed.map(exprName)).toEqual(["(id + id)"]);
  });

  it("expands *, t.* and colRegex patterns (whole-name matches) in order", () => {
    const scope = scopeOf(selfJoin().plan);
    expect(resolveSelectList([column("*")], scope)).toHaveLength(6);
    expect(resolveSelectList([column("m.*")], scope).map((x) => exprName(x))).toEqual(["id", "name", "manager"]);
    expect(() => resolveSelectList([column("x.*")], scope)).toThrow(/CANNOT_RESOLVE_STAR_EXPAND.*aliases: e, m/);
    const plain = scopeOf(people());
    expect(resolveSelectList([column(`${REGEX_COLUMN}(id|na.*)`)], plain).map(exprName)).toEqual(["id", "name"]);
    expect(resolveSelectList([column(`${REGEX_COLUMN}a`)], plain)).toEqual([]);
  });

  it("gives users their names back where they are distinct, shows duplicates by name, and refuses to write them", () => {
    const { plan } = selfJoin();
    expect(userSchema(schemaOf(plan)).fields.map((f) => f.name)).toEqual(["id", "name", "manager", "id", "name", "manager"]);
    expect(() => refuseSharedNames(schemaOf(plan), "parquet")).toThrow(/COLUMN_ALREADY_EXISTS.*`id`/);
    const semi = separateSharedNames(people(), people(), [], true);
    expect(names(semi[0])).toEqual(["id", "name", "manager"]);
    expect(names(semi[1]).every(isMarked)).toBe(true);
    const picked: LogicalPlan = { kind: "project", input: plan, exprs: [column(schemaOf(plan).fields[4]!.name)] };
    expect(names(withUserNames(picked))).toEqual(["name"]);
    expect(withUserNames(people())).toEqual(people());
  });
});
