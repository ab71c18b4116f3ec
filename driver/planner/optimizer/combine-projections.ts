/**
 * Project(a, Project(b, x)) → Project(a', x), where a' is `a` with every column it reads from
 * `b` replaced by the expression `b` computes for it: one pass, one row allocation. Skipped
 * when that would copy a non-deterministic expression (rand, a UDF) that `a` reads more than once,
 * since the copies would draw different values.
 */
import { alias, exprName, transformExpr, type Expr } from "../../../shared/plan/expr.ts";
import { transformUp, type Rule } from "./rule.ts";

function substitute(expr: Expr, by: ReadonlyMap<string, Expr>): Expr {
  switch (expr.kind) {
    case "column":
      return by.get(expr.name) ?? expr;
    case "literal":
    case "rand":
    case "lambdaVar":
      return expr;
    case "lambda":
      return { ...expr, body: substitute(expr.body, by) };
    case "alias":
    case "unary":
    case "cast":
      return { ...expr, expr: substitute(expr.expr, by) };
    case "binary":
      return { ...expr, left: substitute(expr.left, by), right: substitute(expr.right, by) };
    case "in":
      return { ...expr, expr: substitute(expr.expr, by), values: expr.values.map((v) => substitute(v, by)) };
    case "caseWhen":
      return {
        ...expr,
        branches: expr.branches.map((b) => ({ when: substitute(b.when, by), then: substitute(b.then, by) })),
        otherwise: expr.otherwise ? substitute(expr.otherwise, by) : null,
      };
    case "call":
    case "udf":
      return { ...expr, args: expr.args.map((a) => substitute(a, by)) };
    case "agg":
      return { ...expr, arg: expr.arg ? substitute(expr.arg, by) : null, ...(expr.args ? { args: expr.args.map((a) => substitute(a, by)) } : {}) };
    case "window":
    case "generator":
      return transformExpr(expr, (node) => (node.kind === "column" ? by.get(node.name) : undefined));
  }
}

const unaliased = (e: Expr): Expr => (e.kind === "alias" ? e.expr : e);
// A UDF may count with an accumulator or draw random numbers: never call it more often than written.
const deterministic = (e: Expr): boolean => !/"kind":"(rand|udf)"/.test(JSON.stringify(e));

function countRefs(exprs: readonly Expr[], name: string): number {
  return exprs.reduce((n, e) => n + (JSON.stringify(e).split(JSON.stringify({ kind: "column", name })).length - 1), 0);
}

export const combineProjections: Rule = {
  name: "CollapseProject",
  rewrite: (plan) =>
    transformUp(plan, (node) => {
      if (node.kind !== "project" || node.input.kind !== "project") return undefined;
      const inner = node.input;
      const by = new Map(inner.exprs.map((e) => [exprName(e), unaliased(e)]));
      for (const [name, e] of by) if (!deterministic(e) && countRefs(node.exprs, name) > 1) return undefined;
      // Each output keeps the name it had: substituting may change an unaliased expression's name.
      const exprs = node.exprs.map((e) => {
        const replaced = substitute(e, by);
        return exprName(replaced) === exprName(e) ? replaced : alias(unaliased(replaced), exprName(e));
      });
      return { kind: "project", input: inner.input, exprs };
    }),
};
