/**
 * Parsing Spark SQL text: an expression (`expr("amount * 2 > 10")`, string filters), a
 * select-list item (`selectExpr`) or a query (`spark.sql`), into the DataFrame API's nodes
 * (grammar.ts). Syntax errors read as Spark's: PARSE_SYNTAX_ERROR, the line and position, the
 * text with a caret under the spot.
 */
import type { IToken } from "chevrotain";
import type { Expr } from "../../shared/plan/expr.ts";
import * as T from "./lexer.ts";
import type { Query, Subquery } from "./ast.ts";
import { SqlGrammar } from "./grammar.ts";
import { SqlParseError, unsupported, withParseState, type UserFunctions } from "./parse-state.ts";

export { SqlParseError, type UserFunctions };

let parser: SqlGrammar | undefined;

/** Spark's description of a syntax error: where, what was expected, and the text with a caret under the spot. */
function syntaxError(text: string, token: IToken | undefined, expected: string): SqlParseError {
  const line = token?.startLine ?? text.split("\n").length;
  const column = (token?.startColumn ?? (text.split("\n").at(-1)!.length + 1)) - 1;
  const near = token && token.image !== "" ? `'${token.image}'` : "end of input";
  const lines = text.split("\n");
  const caret = `${"-".repeat(column)}^^^`;
  const shown = [...lines.slice(0, line), caret, ...lines.slice(line)].join("\n");
  return new SqlParseError(`[PARSE_SYNTAX_ERROR] Syntax error at or near ${near}${expected ? `: ${expected}` : ""}. SQLSTATE: 42601 (line ${line}, pos ${column})\n\n== SQL ==\n${shown}`);
}

function parseWith<T>(text: string, rule: (p: SqlGrammar) => T): T {
  parser ??= new SqlGrammar();
  const lexed = T.SQL_LEXER.tokenize(text);
  if (lexed.errors.length) {
    const e = lexed.errors[0]!;
    return (() => {
      throw syntaxError(text, { image: text.slice(e.offset, e.offset + e.length), startLine: e.line ?? 1, startColumn: e.column ?? 1 } as IToken, "an unexpected character");
    })();
  }
  const bad = lexed.tokens.find((t) => t.tokenType === T.Bitwise);
  if (bad) throw unsupported(bad, `the bitwise operator ${bad.image}`, "use a function instead");
  parser.input = lexed.tokens;
  const result = rule(parser);
  if (parser.errors.length) {
    const e = parser.errors[0]!;
    const token = e.token.tokenType?.name === "EOF" ? undefined : e.token;
    const expected = /possible Token sequences|Expecting: one of these/i.test(e.message)
      ? "expected an expression (a column, a literal, a function call, CASE, CAST or a parenthesized expression)"
      : /Redundant input/i.test(e.message)
        ? "expected the end of the expression (an operator, AND, OR, or AS and a name in a select list)"
        : e.message.replace(/\s+/g, " ").replace(/^Expecting:? /i, "expected ").slice(0, 200);
    throw syntaxError(text, token, expected);
  }
  return result;
}

/** One Spark SQL expression (expr(), filter("...")). */
export function parseExpression(text: string): Expr {
  return parseWith(text, (p) => p.expression());
}

/** One select-list item (selectExpr): an expression with an optional alias. */
export function parseNamedExpression(text: string): Expr {
  return parseWith(text, (p) => p.namedExpression());
}

/** One SQL query (spark.sql): its CTEs, set operations, ORDER BY and LIMIT; `functions` adds the session's UDFs by name. */
export function parseQuery(text: string, functions?: UserFunctions): { query: Query; subqueries: ReadonlyMap<string, Subquery> } {
  const subqueries = new Map<string, Subquery>();
  const query = withParseState(functions, subqueries, () => parseWith(text, (p) => p.statement()));
  return { query, subqueries };
}
