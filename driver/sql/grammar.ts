/**
 * Spark SQL's grammar for sparkfn (chevrotain, embedded actions): expressions with Spark's
 * precedence (SqlBaseParser's booleanExpression and valueExpression: OR, AND, NOT, then
 * predicates (BETWEEN, IN, LIKE, RLIKE, IS [NOT] NULL) on a value, comparisons, `+ - ||`,
 * `* / %`, unary signs), each becoming the node the DataFrame API builds for it; and queries
 * (ast.ts). Function names resolve through functions.ts.
 */
import { EmbeddedActionsParser, type IToken, type TokenType } from "chevrotain";
import { alias, binary, call, exprName, literal, unary, type Expr, type WindowFrame, type WindowSpec } from "../../shared/plan/expr.ts";
import { isDecimal, isInterval, parseTypeName, type DataType } from "../../shared/plan/types.ts";
import type { SortOrder } from "../../shared/plan/logical.ts";
import * as T from "./lexer.ts";
import { binaryLiteral, functionCall, lambdaFunction, numberLiteral, SqlFunctionError, stringValue } from "./functions.ts";
import type { Query, QueryBody, Relation, SelectCore } from "./ast.ts";
import { cubeSets, rollupSets } from "../planner/grouping-sets.ts";
import { namedWindowReference, overWindow, SqlParseError, subqueryPlaceholder, unsupported, userFunctions, withNamedWindows } from "./parse-state.ts";
import { extractField, intervalLiteral, substringFrom, type IntervalPart } from "./literals.ts";

/** Tokens that name a column or a function: identifiers and the keywords Spark does not reserve. */
const NON_RESERVED: TokenType[] = [
  T.Identifier, T.QuotedIdentifier, T.Date, T.Timestamp, T.Interval, T.First, T.Last, T.Left, T.Right, T.Asc, T.Desc, T.Nulls, T.Semi, T.Anti, T.Full, T.Inner, T.Outer,
  T.Cross, T.Partition, T.Rows, T.Range, T.Unbounded, T.Preceding, T.Following, T.Current, T.Row, T.For, T.Window, T.Filter, T.Offset, T.Rollup, T.Cube,
  T.Grouping, T.Sets,
];

const COMPARISONS: [TokenType, Parameters<typeof binary>[0]][] = [
  [T.Eq, "eq"], [T.Ne, "ne"], [T.NullSafeEq, "eqNullSafe"], [T.Lt, "lt"], [T.Le, "le"], [T.Gt, "gt"], [T.Ge, "ge"],
];

export class SqlGrammar extends EmbeddedActionsParser {
  constructor() {
    super(T.ALL_TOKENS, { maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  /** A select-list item: an expression and an optional alias (`x AS y`, `x y`, a generator's `AS (a, b)`), or `*` / `t.*`. */
  readonly namedExpression = this.RULE("namedExpression", (): Expr => {
    const value = this.SUBRULE(this.expression);
    const name = this.OPTION(() =>
      this.OR([
        { ALT: () => (this.CONSUME(T.As), this.SUBRULE(this.identifier)) },
        { ALT: () => (this.CONSUME2(T.As), this.SUBRULE(this.columnList)) },
        { ALT: () => this.SUBRULE(this.strictIdentifier) },
      ]),
    );
    return this.ACTION(() => {
      if (name === undefined) return value;
      if (typeof name === "string") return alias(value, name);
      // `posexplode(a) AS (pos, v)`: one name per column the generator gives (Spark's multi-alias).
      if (value.kind !== "generator") throw new SqlFunctionError(`[MULTI_ALIAS_WITHOUT_GENERATOR] Multi part aliasing (${name.join(", ")}) is not supported with ${exprName(value)} as it is not a generator function.`);
      return { ...value, names: name };
    });
  });

  // ---- queries ----

  /** A whole statement: a query, then nothing but an optional semicolon-free end. */
  readonly statement = this.RULE("statement", (): Query => this.SUBRULE(this.query));

  readonly query = this.RULE("query", (): Query => {
    const ctes: { name: string; query: Query; columns: readonly string[] | null }[] = [];
    this.OPTION(() => {
      this.CONSUME(T.With);
      this.AT_LEAST_ONE_SEP({
        SEP: T.Comma,
        DEF: () => {
          const name = this.SUBRULE(this.strictIdentifier);
          const columns = this.OPTION5(() => this.SUBRULE(this.columnList));
          this.CONSUME(T.As);
          this.CONSUME(T.LParen);
          const query = this.SUBRULE(this.query);
          this.CONSUME(T.RParen);
          this.ACTION(() => ctes.push({ name, query, columns: columns ?? null }));
        },
      });
    });
    let body = this.SUBRULE(this.queryTerm);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(T.Union) }, { ALT: () => this.CONSUME(T.Except) }, { ALT: () => this.CONSUME(T.MinusKeyword) }]);
      const all = this.OPTION2(() => this.OR2([{ ALT: () => this.CONSUME(T.All) }, { ALT: () => this.CONSUME(T.Distinct) }]));
      const right = this.SUBRULE2(this.queryTerm);
      body = this.ACTION((): QueryBody => ({ kind: "setOperation", op: op.tokenType === T.Union ? "union" : "except", all: all?.tokenType === T.All, left: body, right }));
    });
    const orderBy: SortOrder[] = [];
    this.OPTION3(() => {
      this.CONSUME(T.Order);
      this.CONSUME(T.By);
      this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => orderBy.push(this.SUBRULE(this.sortItem)) });
    });
    const limit = this.OPTION4(() => {
      this.CONSUME(T.Limit);
      const n = this.CONSUME(T.NumberLiteral);
      return this.ACTION(() => Number(n.image));
    });
    const offset = this.OPTION6(() => {
      this.CONSUME(T.Offset);
      const n = this.CONSUME2(T.NumberLiteral);
      return this.ACTION(() => Number(n.image));
    });
    return this.ACTION(() => ({ ctes, body, orderBy, limit: limit ?? null, offset: offset ?? null }));
  });

  /** INTERSECT binds tighter than UNION and EXCEPT, as in Spark. */
  private readonly queryTerm = this.RULE("queryTerm", (): QueryBody => {
    let body = this.SUBRULE(this.queryPrimary);
    this.MANY(() => {
      this.CONSUME(T.Intersect);
      const all = this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.All) }, { ALT: () => this.CONSUME(T.Distinct) }]));
      const right = this.SUBRULE2(this.queryPrimary);
      body = this.ACTION((): QueryBody => ({ kind: "setOperation", op: "intersect", all: all?.tokenType === T.All, left: body, right }));
    });
    return body;
  });

  private readonly queryPrimary = this.RULE("queryPrimary", (): QueryBody =>
    this.OR([
      { ALT: () => this.SUBRULE(this.selectCore) },
      {
        // VALUES ... as a query: SELECT * FROM VALUES ...
        ALT: () => {
          const rows = this.SUBRULE(this.valuesRows);
          return this.ACTION((): QueryBody => ({ kind: "select", distinct: false, items: [{ kind: "column", name: "*" }], from: [{ kind: "values", rows, alias: null, columns: null }], where: null, groupBy: null, groupingSets: null, having: null, broadcast: [] }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          const query = this.SUBRULE(this.query);
          this.CONSUME(T.RParen);
          return this.ACTION((): QueryBody => ({ kind: "nested", query }));
        },
      },
    ]),
  );

  private readonly selectCore = this.RULE("selectCore", (): SelectCore => {
    this.CONSUME(T.Select);
    const hint = this.OPTION6(() => this.CONSUME(T.Hint));
    const distinct = this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.Distinct) }, { ALT: () => this.CONSUME(T.All) }]));
    const items: Expr[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => items.push(this.SUBRULE(this.namedExpression)) });
    const from: Relation[] = [];
    this.OPTION2(() => {
      this.CONSUME(T.From);
      this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => from.push(this.SUBRULE(this.joinedRelation)) });
    });
    const where = this.OPTION3(() => (this.CONSUME(T.Where), this.SUBRULE(this.expression)));
    const grouping = this.OPTION4(() => {
      this.CONSUME(T.Group);
      this.CONSUME(T.By);
      return this.SUBRULE(this.groupingClause);
    });
    const groupBy = grouping?.keys;
    const having = this.OPTION5(() => (this.CONSUME(T.Having), this.SUBRULE3(this.expression)));
    // WINDOW w AS (PARTITION BY ...), v AS (...): windows OVER w names.
    const windows = new Map<string, WindowSpec>();
    const at = this.OPTION7(() => {
      const token = this.CONSUME(T.Window);
      this.AT_LEAST_ONE_SEP4({
        SEP: T.Comma,
        DEF: () => {
          const name = this.SUBRULE4(this.identifier);
          this.CONSUME2(T.As);
          const spec = this.SUBRULE(this.windowBody);
          this.ACTION(() => windows.set(name.toLowerCase(), spec));
        },
      });
      return token;
    });
    return this.ACTION(() => {
      const named = (e: Expr) => withNamedWindows(e, windows, at);
      return {
        kind: "select" as const, distinct: distinct?.tokenType === T.Distinct, items: items.map(named), from, where: where ? named(where) : null,
        groupBy: groupBy ?? null, groupingSets: grouping?.sets ?? null, having: having ? named(having) : null, broadcast: hint ? broadcastHints(hint.image) : [],
      };
    });
  });

  /**
   * GROUP BY's keys: expressions (WITH ROLLUP / WITH CUBE after them), ROLLUP (...), CUBE (...)
   * or GROUPING SETS ((a, b), a, ()); sets are indexes into the keys, in order of appearance.
   */
  private readonly groupingClause = this.RULE("groupingClause", (): { keys: Expr[]; sets: number[][] | null } =>
    this.OR([
      {
        GATE: () => (this.LA(1).tokenType === T.Rollup || this.LA(1).tokenType === T.Cube) && this.LA(2).tokenType === T.LParen,
        ALT: () => {
          const kind = this.OR2([{ ALT: () => this.CONSUME(T.Rollup) }, { ALT: () => this.CONSUME(T.Cube) }]);
          const keys = this.SUBRULE(this.expressionList);
          return this.ACTION(() => ({ keys, sets: kind.tokenType === T.Rollup ? rollupSets(keys.length) : cubeSets(keys.length) }));
        },
      },
      {
        GATE: () => this.LA(1).tokenType === T.Grouping && this.LA(2).tokenType === T.Sets,
        ALT: () => {
          this.CONSUME(T.Grouping);
          this.CONSUME(T.Sets);
          this.CONSUME(T.LParen);
          const sets: Expr[][] = [];
          this.AT_LEAST_ONE_SEP({
            SEP: T.Comma,
            DEF: () =>
              this.OR3([
                { GATE: () => this.LA(1).tokenType === T.LParen, ALT: () => sets.push(this.SUBRULE2(this.expressionList)) },
                { ALT: () => sets.push([this.SUBRULE(this.expression)]) },
              ]),
          });
          this.CONSUME(T.RParen);
          return this.ACTION(() => {
            const keys: Expr[] = [];
            const index = (e: Expr) => {
              const at = keys.findIndex((k) => exprName(k) === exprName(e));
              return at >= 0 ? at : keys.push(e) - 1;
            };
            return { keys, sets: sets.map((set) => set.map(index)) };
          });
        },
      },
      {
        ALT: () => {
          const keys: Expr[] = [];
          this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => keys.push(this.SUBRULE2(this.expression)) });
          const kind = this.OPTION(() => {
            this.CONSUME(T.With);
            return this.OR4([{ ALT: () => this.CONSUME2(T.Rollup) }, { ALT: () => this.CONSUME2(T.Cube) }]);
          });
          return this.ACTION(() => ({ keys, sets: kind === undefined ? null : kind.tokenType === T.Rollup ? rollupSets(keys.length) : cubeSets(keys.length) }));
        },
      },
    ]),
  );

  /** (a, b, ...) or (). */
  private readonly expressionList = this.RULE("expressionList", (): Expr[] => {
    this.CONSUME(T.LParen);
    const list: Expr[] = [];
    this.MANY_SEP({ SEP: T.Comma, DEF: () => list.push(this.SUBRULE(this.expression)) });
    this.CONSUME(T.RParen);
    return list;
  });

  private readonly sortItem = this.RULE("sortItem", (): SortOrder => {
    const value = this.SUBRULE(this.expression);
    const direction = this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.Asc) }, { ALT: () => this.CONSUME(T.Desc) }]));
    const nulls = this.OPTION2(() => {
      this.CONSUME(T.Nulls);
      return this.OR2([{ ALT: () => this.CONSUME(T.First) }, { ALT: () => this.CONSUME(T.Last) }]);
    });
    return this.ACTION(() => {
      const ascending = direction?.tokenType !== T.Desc;
      // Spark's default: nulls first ascending, last descending.
      return { expr: value, ascending, nullsFirst: nulls === undefined ? ascending : nulls.tokenType === T.First };
    });
  });

  private readonly joinedRelation = this.RULE("joinedRelation", (): Relation => {
    let left = this.SUBRULE(this.relationPrimary);
    this.MANY(() => {
      const how = this.OPTION2(() => this.SUBRULE(this.joinType)) ?? "inner";
      this.CONSUME(T.Join);
      const right = this.SUBRULE2(this.relationPrimary);
      const criteria = this.OPTION(() =>
        this.OR([
          { ALT: () => (this.CONSUME(T.On), { on: this.SUBRULE(this.expression), using: null }) },
          {
            ALT: () => {
              this.CONSUME(T.Using);
              this.CONSUME(T.LParen);
              const names: string[] = [];
              this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => names.push(this.SUBRULE(this.identifier)) });
              this.CONSUME(T.RParen);
              return { on: null, using: names };
            },
          },
        ]),
      );
      left = this.ACTION((): Relation => ({ kind: "join", left, right, how, on: criteria?.on ?? null, using: criteria?.using ?? null }));
    });
    return left;
  });

  /** [INNER] | CROSS | LEFT [OUTER] | RIGHT [OUTER] | FULL [OUTER] | [LEFT] SEMI | [LEFT] ANTI, as Spark's join type names. */
  private readonly joinType = this.RULE("joinType", (): string =>
    this.OR([
      { ALT: () => (this.CONSUME(T.Cross), "cross") },
      { ALT: () => (this.CONSUME(T.Inner), "inner") },
      {
        ALT: () => {
          this.CONSUME(T.Left);
          return this.OR2([
            { ALT: () => (this.CONSUME(T.Semi), "left_semi") },
            { ALT: () => (this.CONSUME(T.Anti), "left_anti") },
            { ALT: () => (this.OPTION(() => this.CONSUME(T.Outer)), "left") },
          ]);
        },
      },
      { ALT: () => (this.CONSUME(T.Right), this.OPTION2(() => this.CONSUME2(T.Outer)), "right") },
      { ALT: () => (this.CONSUME(T.Full), this.OPTION3(() => this.CONSUME3(T.Outer)), "full") },
      { ALT: () => (this.CONSUME2(T.Semi), "left_semi") },
      { ALT: () => (this.CONSUME2(T.Anti), "left_anti") },
    ]),
  );

  private readonly relationPrimary = this.RULE("relationPrimary", (): Relation => {
    const relation = this.OR([
      {
        ALT: () => {
          const parts = [this.SUBRULE(this.strictIdentifier)];
          this.MANY(() => (this.CONSUME(T.Dot), parts.push(this.SUBRULE2(this.strictIdentifier))));
          return this.ACTION(() => ({ kind: "table" as const, name: parts.join(".") }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          const query = this.SUBRULE(this.query);
          this.CONSUME(T.RParen);
          return this.ACTION(() => ({ kind: "subquery" as const, query }));
        },
      },
      { ALT: () => ({ kind: "values" as const, rows: this.SUBRULE(this.valuesRows) }) },
    ]);
    const name = this.OPTION(() => (this.OPTION2(() => this.CONSUME(T.As)), this.SUBRULE3(this.strictIdentifier)));
    // `AS t (a, b)`: the relation's columns renamed, in order.
    const columns = this.OPTION3(() => this.SUBRULE(this.columnList));
    return this.ACTION((): Relation => ({ ...relation, alias: name ?? null, columns: columns ?? null }) as Relation);
  });

  /** VALUES (1, 'a'), (2, 'b') or VALUES 1, 2: rows of expressions (an inline table). */
  private readonly valuesRows = this.RULE("valuesRows", (): Expr[][] => {
    this.CONSUME(T.Values);
    const rows: Expr[][] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () =>
        this.OR([
          {
            GATE: () => this.LA(1).tokenType === T.LParen && this.LA(2).tokenType !== T.Select && this.LA(2).tokenType !== T.With,
            ALT: () => {
              this.CONSUME(T.LParen);
              const row: Expr[] = [];
              this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => row.push(this.SUBRULE(this.expression)) });
              this.CONSUME(T.RParen);
              this.ACTION(() => rows.push(row));
            },
          },
          { ALT: () => rows.push([this.SUBRULE2(this.expression)]) },
        ]),
    });
    return rows;
  });

  /** (a, b, c): names for a relation's or a CTE's columns. */
  private readonly columnList = this.RULE("columnList", (): string[] => {
    this.CONSUME(T.LParen);
    const names: string[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => names.push(this.SUBRULE(this.identifier)) });
    this.CONSUME(T.RParen);
    return names;
  });

  readonly expression = this.RULE("expression", (): Expr => {
    let left = this.SUBRULE(this.andExpression);
    this.MANY(() => {
      this.CONSUME(T.Or);
      const right = this.SUBRULE2(this.andExpression);
      left = this.ACTION(() => binary("or", left, right));
    });
    return left;
  });

  private readonly andExpression = this.RULE("andExpression", (): Expr => {
    let left = this.SUBRULE(this.notExpression);
    this.MANY(() => {
      this.CONSUME(T.And);
      const right = this.SUBRULE2(this.notExpression);
      left = this.ACTION(() => binary("and", left, right));
    });
    return left;
  });

  private readonly notExpression = this.RULE("notExpression", (): Expr =>
    this.OR({
      // EXISTS (SELECT ...) is a subquery; exists(array, x -> ...) the higher-order function (primary).
      IGNORE_AMBIGUITIES: true,
      DEF: [
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.Not) }, { ALT: () => this.CONSUME(T.Bang) }]);
          const inner = this.SUBRULE(this.notExpression);
          return this.ACTION(() => unary("not", inner));
        },
      },
      {
        GATE: () => this.LA(3).tokenType === T.Select || this.LA(3).tokenType === T.With || this.LA(3).tokenType === T.LParen,
        ALT: () => {
          this.CONSUME(T.Exists);
          this.CONSUME(T.LParen);
          const query = this.SUBRULE(this.query);
          this.CONSUME(T.RParen);
          return this.ACTION(() => subqueryPlaceholder({ kind: "exists", query }));
        },
      },
      { ALT: () => this.SUBRULE(this.predicated) },
      ],
    }),
  );

  /** A value and its predicate, if any: [NOT] BETWEEN, [NOT] IN, [NOT] LIKE/RLIKE, IS [NOT] NULL/TRUE/FALSE. */
  private readonly predicated = this.RULE("predicated", (): Expr => {
    const value = this.SUBRULE(this.comparison);
    const result = this.OPTION(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Is);
            const negated = this.OPTION2(() => this.CONSUME(T.Not)) !== undefined;
            const test = this.OR2([
              { ALT: () => (this.CONSUME(T.Null), this.ACTION(() => unary(negated ? "isNotNull" : "isNull", value))) },
              { ALT: () => (this.CONSUME(T.True), this.ACTION(() => binary("eqNullSafe", value, literal(true)))) },
              { ALT: () => (this.CONSUME(T.False), this.ACTION(() => binary("eqNullSafe", value, literal(false)))) },
            ]);
            return this.ACTION(() => (negated && test.kind !== "unary" ? unary("not", test) : test));
          },
        },
        {
          ALT: () => {
            const negated = this.OPTION3(() => this.CONSUME2(T.Not)) !== undefined;
            const test = this.SUBRULE(this.predicate, { ARGS: [value] });
            return this.ACTION(() => (negated ? unary("not", test) : test));
          },
        },
      ]),
    );
    return result ?? value;
  });

  private readonly predicate = this.RULE("predicate", (value: Expr): Expr =>
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Between);
          const low = this.SUBRULE(this.comparison);
          this.CONSUME(T.And);
          const high = this.SUBRULE2(this.comparison);
          return this.ACTION(() => binary("and", binary("ge", value, low), binary("le", value, high)));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.In);
          this.CONSUME(T.LParen);
          const result = this.OR3([
            {
              // x IN (SELECT ...): a subquery, joined by the query builder.
              GATE: () => this.LA(1).tokenType === T.Select || this.LA(1).tokenType === T.With,
              ALT: () => {
                const query = this.SUBRULE(this.query);
                return this.ACTION(() => subqueryPlaceholder({ kind: "in", query, value }));
              },
            },
            {
              ALT: () => {
                const values: Expr[] = [];
                this.MANY_SEP({ SEP: T.Comma, DEF: () => values.push(this.SUBRULE(this.expression)) });
                return this.ACTION((): Expr => ({ kind: "in", expr: value, values }));
              },
            },
          ]);
          this.CONSUME(T.RParen);
          return result;
        },
      },
      {
        ALT: () => {
          const op = this.OR2([{ ALT: () => this.CONSUME(T.Like) }, { ALT: () => this.CONSUME(T.ILike) }, { ALT: () => this.CONSUME(T.RLike) }, { ALT: () => this.CONSUME(T.Regexp) }]);
          const pattern = this.SUBRULE3(this.comparison);
          return this.ACTION(() => {
            const kind = op.tokenType;
            if (kind === T.ILike) return call("like", [call("lower", [value]), call("lower", [pattern])]);
            return call(kind === T.Like ? "like" : "rlike", [value, pattern]);
          });
        },
      },
    ]),
  );

  private readonly comparison = this.RULE("comparison", (): Expr => {
    let left = this.SUBRULE(this.additive);
    this.MANY(() => {
      const op = this.OR(COMPARISONS.map(([token]) => ({ ALT: () => this.CONSUME(token) })));
      const right = this.SUBRULE2(this.additive);
      left = this.ACTION(() => binary(COMPARISONS.find(([token]) => token === op.tokenType)![1], left, right));
    });
    return left;
  });

  private readonly additive = this.RULE("additive", (): Expr => {
    let left = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }, { ALT: () => this.CONSUME(T.Concat) }]);
      const right = this.SUBRULE2(this.multiplicative);
      left = this.ACTION(() => {
        if (op.tokenType === T.Concat) return call("concat", [left, right]);
        const how = op.tokenType === T.Plus ? "add" : "subtract";
        return binary(how, left, right);
      });
    });
    return left;
  });

  private readonly multiplicative = this.RULE("multiplicative", (): Expr => {
    let left = this.SUBRULE(this.unaryExpression);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }, { ALT: () => this.CONSUME(T.Percent) }, { ALT: () => this.CONSUME(T.Div) }]);
      const right = this.SUBRULE2(this.unaryExpression);
      left = this.ACTION(() => {
        // a DIV b: the quotient truncated toward zero, a bigint (Spark's IntegralDivide; DIVIDE_BY_ZERO in ANSI mode).
        if (op.tokenType === T.Div) return alias({ kind: "cast", expr: binary("divide", left, right), to: "long" }, `(${exprName(left)} div ${exprName(right)})`);
        if (op.tokenType === T.Star) return binary("multiply", left, right);
        return binary(op.tokenType === T.Slash ? "divide" : "mod", left, right);
      });
    });
    return left;
  });

  private readonly unaryExpression = this.RULE("unaryExpression", (): Expr =>
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          const inner = this.SUBRULE(this.unaryExpression);
          // -5 is the literal -5 (so that -2147483648 is an int, as in Spark); -0.5 the decimal -0.5.
          return this.ACTION((): Expr => {
            if (inner.kind === "literal" && isDecimal(inner.type) && typeof inner.value === "string") {
              return { ...inner, value: inner.value.startsWith("-") ? inner.value.slice(1) : /^[0.]+$/.test(inner.value) ? inner.value : `-${inner.value}` };
            }
            // - INTERVAL '1' DAY stays a negation (Spark names it `(- INTERVAL '1' DAY)`).
            if (inner.kind !== "literal" || typeof inner.value !== "number" || isInterval(inner.type)) return unary("negate", inner);
            // 2147483648 alone is a bigint; negated it is the smallest int.
            return inner.type === "long" && inner.value === 2147483648 ? literal(-2147483648) : { ...inner, value: -inner.value };
          });
        },
      },
      { ALT: () => (this.CONSUME(T.Plus), this.SUBRULE2(this.unaryExpression)) },
      { ALT: () => this.SUBRULE(this.subscripted) },
    ]),
  );

  /** A primary with subscripts: `tags[0]` (an array's 0-based element), `m['k']` (a map's value), as getItem. */
  private readonly subscripted = this.RULE("subscripted", (): Expr => {
    let value = this.SUBRULE(this.primary);
    this.MANY(() => {
      this.CONSUME(T.LBracket);
      const index = this.SUBRULE(this.expression);
      this.CONSUME(T.RBracket);
      value = this.ACTION((): Expr => call("get_item", [value, index]));
    });
    return value;
  });

  private readonly primary = this.RULE("primary", (): Expr =>
    this.OR([
      {
        ALT: () => {
          const token = this.CONSUME(T.NumberLiteral);
          return this.ACTION(() => numberLiteral(token));
        },
      },
      {
        ALT: () => {
          // Adjacent string literals are one ('a' 'b' is 'ab'), as in Spark.
          const parts: IToken[] = [];
          this.AT_LEAST_ONE(() => parts.push(this.CONSUME(T.StringLiteral)));
          return this.ACTION(() => literal(parts.map(stringValue).join("")));
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(T.BinaryLiteral);
          return this.ACTION(() => binaryLiteral(token));
        },
      },
      { ALT: () => (this.CONSUME(T.Null), this.ACTION(() => literal(null))) },
      { ALT: () => (this.CONSUME(T.True), this.ACTION(() => literal(true))) },
      { ALT: () => (this.CONSUME(T.False), this.ACTION(() => literal(false))) },
      {
        // DATE '2024-01-01', TIMESTAMP '2024-01-01 10:00:00': typed literals, as casts of the text.
        ALT: () => {
          const kind = this.OR2([{ ALT: () => this.CONSUME(T.Date) }, { ALT: () => this.CONSUME(T.Timestamp) }]);
          const text = this.CONSUME2(T.StringLiteral);
          return this.ACTION((): Expr => ({ kind: "cast", expr: literal(stringValue(text)), to: kind.tokenType === T.Date ? "date" : "timestamp" }));
        },
      },
      {
        // TIMESTAMP_NTZ '2024-01-01 10:00:00', TIMESTAMP_LTZ '...': typed literals too (their keywords are identifiers to the lexer).
        GATE: () => this.LA(2).tokenType === T.StringLiteral && /^TIMESTAMP_[NL]TZ$/i.test(this.LA(1).image),
        ALT: () => {
          const kind = this.CONSUME(T.Identifier);
          const text = this.CONSUME4(T.StringLiteral);
          return this.ACTION((): Expr => ({ kind: "cast", expr: literal(stringValue(text)), to: kind.image.toUpperCase() === "TIMESTAMP_NTZ" ? "timestamp_ntz" : "timestamp" }));
        },
      },
      {
        // INTERVAL '3' MONTH, INTERVAL 90 DAYS, INTERVAL '1 2:03' DAY TO MINUTE, INTERVAL 1 DAY 2 HOURS (literals.ts).
        GATE: () => this.isIntervalPart(2),
        ALT: () => this.SUBRULE(this.intervalLiteral),
      },
      { ALT: () => this.SUBRULE(this.caseExpression) },
      { ALT: () => this.SUBRULE(this.castExpression) },
      {
        // (SELECT ...): a scalar subquery.
        GATE: () => this.LA(2).tokenType === T.Select || this.LA(2).tokenType === T.With,
        ALT: () => {
          this.CONSUME2(T.LParen);
          const query = this.SUBRULE(this.query);
          this.CONSUME2(T.RParen);
          return this.ACTION(() => subqueryPlaceholder({ kind: "scalar", query }));
        },
      },
      {
        // (e) or a row value (a, b): a struct of its values, as Spark's row constructor.
        ALT: () => {
          this.CONSUME(T.LParen);
          const values = [this.SUBRULE(this.expression)];
          this.MANY(() => {
            this.CONSUME(T.Comma);
            values.push(this.SUBRULE2(this.expression));
          });
          this.CONSUME(T.RParen);
          return this.ACTION(() => (values.length === 1 ? values[0]! : call("struct", values)));
        },
      },
      {
        // exists(array, x -> ...): EXISTS is reserved, so the higher-order function has its own alternative.
        ALT: () => {
          this.CONSUME(T.Exists);
          this.CONSUME3(T.LParen);
          const args: Expr[] = [];
          this.MANY_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.argument)) });
          const close = this.CONSUME3(T.RParen);
          return this.ACTION(() => functionCall("exists", args, false, close, userFunctions()));
        },
      },
      { ALT: () => this.SUBRULE(this.reference) },
    ]),
  );

  private readonly caseExpression = this.RULE("caseExpression", (): Expr => {
    this.CONSUME(T.Case);
    const subject = this.OPTION(() => this.SUBRULE(this.expression));
    const branches: { when: Expr; then: Expr }[] = [];
    this.AT_LEAST_ONE(() => {
      this.CONSUME(T.When);
      const when = this.SUBRULE2(this.expression);
      this.CONSUME(T.Then);
      const then = this.SUBRULE3(this.expression);
      this.ACTION(() => branches.push({ when: subject === undefined ? when : binary("eq", subject, when), then }));
    });
    const otherwise = this.OPTION2(() => {
      this.CONSUME(T.Else);
      return this.SUBRULE4(this.expression);
    });
    this.CONSUME(T.End);
    return this.ACTION((): Expr => ({ kind: "caseWhen", branches, otherwise: otherwise ?? null }));
  });

  private readonly castExpression = this.RULE("castExpression", (): Expr => {
    const how = this.OR([{ ALT: () => this.CONSUME(T.Cast) }, { ALT: () => this.CONSUME(T.TryCast) }]);
    this.CONSUME(T.LParen);
    const value = this.SUBRULE(this.expression);
    this.CONSUME(T.As);
    const typeName = this.SUBRULE(this.typeName);
    this.CONSUME(T.RParen);
    return this.ACTION((): Expr => ({ kind: "cast", expr: value, to: parseTypeName(typeName), ...(how.tokenType === T.TryCast ? { mode: "try" as const } : {}) }));
  });

  /** A type name as DDL spells it (`int`, `bigint`, `date`, `decimal(10, 2)`, `array<int>`, `struct<a: int, b: string>`): its text, for parseTypeName. */
  private readonly typeName = this.RULE("typeName", (): string => {
    const name = this.OR([
      { ALT: () => this.CONSUME(T.Identifier).image },
      { ALT: () => this.CONSUME(T.Date).image },
      { ALT: () => this.CONSUME(T.Timestamp).image },
      {
        // INTERVAL DAY, INTERVAL DAY TO SECOND, INTERVAL YEAR TO MONTH.
        ALT: () => {
          const words = [this.CONSUME(T.Interval).image, this.CONSUME2(T.Identifier).image];
          this.OPTION3({
            GATE: () => this.LA(1).image.toLowerCase() === "to",
            DEF: () => words.push(this.CONSUME3(T.Identifier).image, this.CONSUME4(T.Identifier).image),
          });
          return words.join(" ");
        },
      },
    ]);
    const parts = this.OPTION2(() => {
      this.CONSUME(T.Lt);
      const inner: string[] = [];
      this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => inner.push(this.SUBRULE(this.typeArgument)) });
      this.CONSUME(T.Gt);
      return `<${inner.join(",")}>`;
    });
    const args = this.OPTION(() => {
      this.CONSUME(T.LParen);
      const values: string[] = [];
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => values.push(this.CONSUME(T.NumberLiteral).image) });
      this.CONSUME(T.RParen);
      return `(${values.join(",")})`;
    });
    return `${name}${parts ?? ""}${args ?? ""}`;
  });

  /** Inside <>: a type (array<T>, map<K, V>), or a struct field `name: type` (the colon optional). */
  private readonly typeArgument = this.RULE("typeArgument", (): string => {
    const first = this.SUBRULE(this.typeName);
    const type = this.OPTION(() => {
      this.OPTION2(() => this.CONSUME(T.Colon));
      return this.SUBRULE2(this.typeName);
    });
    return type === undefined ? first : `${first}:${type}`;
  });

  /** A column (`a`, `t.a`, `` `a b` ``), `*`, `t.*`, or a function call. */
  private readonly reference = this.RULE("reference", (): Expr =>
    this.OR([
      { ALT: () => (this.CONSUME(T.Star), this.ACTION((): Expr => ({ kind: "column", name: "*" }))) },
      {
        ALT: () => {
          const first = this.SUBRULE(this.identifier);
          return this.OR2([
            {
              ALT: () => {
                this.CONSUME(T.LParen);
                const distinct = this.OPTION(() => this.CONSUME(T.Distinct)) !== undefined;
                const args: Expr[] = [];
                this.MANY_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.argument)) });
                // EXTRACT(field FROM d), SUBSTRING(s FROM pos [FOR len]).
                const from = this.OPTION3(() => {
                  const at = this.CONSUME(T.From);
                  const value = this.SUBRULE2(this.expression);
                  const length = this.OPTION4(() => (this.CONSUME(T.For), this.SUBRULE3(this.expression)));
                  return { at, value, length };
                });
                const close = this.CONSUME(T.RParen);
                // agg(...) FILTER (WHERE condition): the aggregate over the rows the condition keeps.
                const only = this.OPTION5(() => {
                  this.CONSUME(T.Filter);
                  this.CONSUME2(T.LParen);
                  this.CONSUME(T.Where);
                  const condition = this.SUBRULE4(this.expression);
                  this.CONSUME2(T.RParen);
                  return condition;
                });
                const spec = this.OPTION2(() => this.SUBRULE(this.windowSpec));
                return this.ACTION(() => {
                  const plain = from ? fromForm(first, args, from) : functionCall(first, args, distinct, close, userFunctions());
                  const called = only === undefined ? plain : filteredAggregate(plain, only, close);
                  return spec === undefined ? called : overWindow(called, spec, close);
                });
              },
            },
            {
              ALT: () => {
                const parts = [first];
                let star = false;
                this.MANY(() => {
                  this.CONSUME(T.Dot);
                  this.OR3([{ ALT: () => parts.push(this.SUBRULE2(this.identifier)) }, { ALT: () => ((star = true), this.CONSUME2(T.Star)) }]);
                });
                return this.ACTION((): Expr => ({ kind: "column", name: star ? `${parts.join(".")}.*` : parts.join(".") }));
              },
            },
          ]);
        },
      },
    ]),
  );

  /** A function's argument: a value, or a lambda function (`x -> x + 1`, `(acc, x) -> acc + x`) for a higher-order function. */
  private readonly argument = this.RULE("argument", (): Expr =>
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { GATE: () => this.lambdaAhead(), ALT: () => this.SUBRULE(this.lambdaFunction) },
        { ALT: () => this.SUBRULE(this.expression) },
      ],
    }),
  );

  /** Whether the next tokens are a lambda's parameters and arrow: `x ->` or `(x, y) ->`. */
  private lambdaAhead(): boolean {
    const isName = (k: number) => NON_RESERVED.includes(this.LA(k).tokenType);
    if (isName(1)) return this.LA(2).tokenType === T.Arrow;
    if (this.LA(1).tokenType !== T.LParen) return false;
    for (let k = 2; ; k += 2) {
      if (!isName(k)) return false;
      const next = this.LA(k + 1).tokenType;
      if (next === T.RParen) return this.LA(k + 2).tokenType === T.Arrow;
      if (next !== T.Comma) return false;
    }
  }

  private readonly lambdaFunction = this.RULE("lambdaFunction", (): Expr => {
    const params: string[] = [];
    this.OR([
      { ALT: () => params.push(this.SUBRULE(this.identifier)) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => params.push(this.SUBRULE2(this.identifier)) });
          this.CONSUME(T.RParen);
        },
      },
    ]);
    this.CONSUME(T.Arrow);
    const body = this.SUBRULE(this.expression);
    return this.ACTION(() => lambdaFunction(params, body));
  });

  /** OVER (spec), or OVER w: a window the select's WINDOW clause names. */
  private readonly windowSpec = this.RULE("windowSpec", (): WindowSpec => {
    this.CONSUME(T.Over);
    return this.OR([
      { ALT: () => this.SUBRULE(this.windowBody) },
      {
        ALT: () => {
          const name = this.SUBRULE(this.identifier);
          return this.ACTION(() => namedWindowReference(name));
        },
      },
    ]);
  });

  /** ([PARTITION BY ...] [ORDER BY ...] [ROWS|RANGE frame]). */
  private readonly windowBody = this.RULE("windowBody", (): WindowSpec => {
    this.CONSUME(T.LParen);
    const partitionBy: Expr[] = [];
    const orderBy: SortOrder[] = [];
    this.OPTION(() => {
      this.CONSUME(T.Partition);
      this.CONSUME(T.By);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => partitionBy.push(this.SUBRULE(this.expression)) });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Order);
      this.CONSUME2(T.By);
      this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => orderBy.push(this.SUBRULE(this.sortItem)) });
    });
    const frame = this.OPTION3(() => {
      const type = this.OR([{ ALT: () => this.CONSUME(T.Rows) }, { ALT: () => this.CONSUME(T.Range) }]);
      const bounds = this.OR2([
        {
          ALT: () => {
            this.CONSUME(T.Between);
            const a = this.SUBRULE(this.frameBound);
            this.CONSUME(T.And);
            const b = this.SUBRULE2(this.frameBound);
            return [a, b] as const;
          },
        },
        { ALT: () => [this.SUBRULE3(this.frameBound), 0] as const },
      ]);
      return this.ACTION((): WindowFrame => {
        const [start, end] = bounds.map((b) => (typeof b === "object" ? b.value : b));
        // INTERVAL offsets: both of one interval type (CURRENT ROW and UNBOUNDED go with any).
        const intervals = bounds.flatMap((b) => (typeof b === "object" ? [b.type] : []));
        if (new Set(intervals).size > 1 || (intervals.length > 0 && bounds.some((b) => typeof b === "number" && b !== 0))) {
          // As Spark's analyzer: both offsets of one type.
          throw new SqlParseError(`[DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_DIFF_TYPES] Window frame bounds do not have the same type (${bounds.map((b) => (typeof b === "object" ? b.type : typeof b === "number" && b !== 0 ? "a number" : "")).filter((t) => t !== "").join(" and ")}): give both offsets as intervals of one type, or both as numbers.`);
        }
        const frame = { type: type.tokenType === T.Rows ? ("rows" as const) : ("range" as const), start: start === "unbounded" ? null : start!, end: end === "unbounded" ? null : end! };
        return intervals.length === 0 ? frame : { ...frame, interval: intervals[0]! };
      });
    });
    this.CONSUME(T.RParen);
    return this.ACTION((): WindowSpec => ({ partitionBy, orderBy, frame: frame ?? null }));
  });

  /** UNBOUNDED PRECEDING/FOLLOWING, CURRENT ROW, n PRECEDING (-n), n FOLLOWING (n), INTERVAL ... PRECEDING/FOLLOWING (its value and type). */
  private readonly frameBound = this.RULE("frameBound", (): number | "unbounded" | { readonly value: number; readonly type: DataType } =>
    this.OR([
      {
        ALT: () => {
          const interval = this.SUBRULE(this.intervalLiteral);
          const side = this.OR4([{ ALT: () => this.CONSUME3(T.Preceding) }, { ALT: () => this.CONSUME3(T.Following) }]);
          return this.ACTION(() => {
            const lit = interval as Extract<Expr, { kind: "literal" }>;
            return { value: (side.tokenType === T.Preceding ? -1 : 1) * (lit.value as number) + 0, type: lit.type };
          });
        },
      },
      { ALT: () => (this.CONSUME(T.Unbounded), this.OR2([{ ALT: () => this.CONSUME(T.Preceding) }, { ALT: () => this.CONSUME(T.Following) }]), "unbounded" as const) },
      { ALT: () => (this.CONSUME(T.Current), this.CONSUME(T.Row), 0) },
      {
        ALT: () => {
          const n = this.CONSUME(T.NumberLiteral);
          const side = this.OR3([{ ALT: () => this.CONSUME2(T.Preceding) }, { ALT: () => this.CONSUME2(T.Following) }]);
          return this.ACTION(() => (side.tokenType === T.Preceding ? -1 : 1) * Number(n.image.replace(/[Ll]$/, "")));
        },
      },
    ]),
  );

  /** A name: plain, `back-quoted`, or a keyword Spark does not reserve (a column named date, the function left()). */
  /** Whether the tokens from `k` on start an interval part: [-] 'text' or a number, then a word. */
  private isIntervalPart(k: number): boolean {
    const at = this.LA(k).tokenType === T.Minus ? k + 1 : k;
    const amount = this.LA(at).tokenType;
    return (amount === T.StringLiteral || amount === T.NumberLiteral) && this.LA(at + 1).tokenType === T.Identifier;
  }

  /** INTERVAL then one or more `[-] amount unit`, the only one possibly `... unit TO unit`. */
  private readonly intervalLiteral = this.RULE("intervalLiteral", (): Expr => {
    const at = this.CONSUME(T.Interval);
    const parts: IntervalPart[] = [];
    this.AT_LEAST_ONE({
      GATE: () => this.isIntervalPart(1),
      DEF: () => {
        const negative = this.OPTION(() => this.CONSUME(T.Minus)) !== undefined;
        const amount = this.OR([{ ALT: () => this.CONSUME(T.StringLiteral) }, { ALT: () => this.CONSUME(T.NumberLiteral) }]);
        const unit = this.CONSUME(T.Identifier).image;
        const to = this.OPTION2({
          GATE: () => this.LA(1).image.toLowerCase() === "to" && this.LA(2).tokenType === T.Identifier,
          DEF: () => (this.CONSUME2(T.Identifier), this.CONSUME3(T.Identifier).image),
        });
        parts.push({ amount: this.ACTION(() => (amount.tokenType === T.StringLiteral ? stringValue(amount) : amount.image)), negative, unit, ...(to === undefined ? {} : { to }) });
      },
    });
    return this.ACTION(() => intervalLiteral(at, parts));
  });

  private readonly identifier = this.RULE("identifier", (): string => {
    const token = this.OR(NON_RESERVED.map((type) => ({ ALT: () => this.CONSUME(type) })));
    return this.ACTION(() => (token.tokenType === T.QuotedIdentifier ? token.image.slice(1, -1).replaceAll("``", "`") : token.image));
  });

  /** A name where a keyword would be ambiguous (an alias without AS, a table): plain or back-quoted. */
  private readonly strictIdentifier = this.RULE("strictIdentifier", (): string => {
    const token = this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.QuotedIdentifier) }]);
    return this.ACTION(() => (token.tokenType === T.QuotedIdentifier ? token.image.slice(1, -1).replaceAll("``", "`") : token.image));
  });
}

/** agg(x) FILTER (WHERE c): agg(CASE WHEN c THEN x END), count(*) counting the rows c keeps; named as Spark names it. */
function filteredAggregate(called: Expr, condition: Expr, at: IToken): Expr {
  const agg = called.kind === "alias" ? called.expr : called;
  if (agg.kind !== "agg") throw unsupported(at, `${exprName(called)} FILTER (...)`, "FILTER (WHERE ...) follows an aggregate function");
  const only = (x: Expr): Expr => ({ kind: "caseWhen", branches: [{ when: condition, then: x }], otherwise: null });
  const filtered: Expr = { ...agg, arg: only(agg.arg ?? literal(1)) };
  return alias(filtered, `${exprName(called)} FILTER (WHERE ${exprName(condition)})`);
}

/** EXTRACT(field FROM d) and SUBSTRING(s FROM pos [FOR len]); FROM inside other calls is a syntax Spark lacks too. */
function fromForm(name: string, args: readonly Expr[], from: { at: IToken; value: Expr; length: Expr | undefined }): Expr {
  const lower = name.toLowerCase();
  if (lower === "extract" && args.length === 1 && from.length === undefined) return extractField(from.at, args[0]!, from.value);
  if ((lower === "substring" || lower === "substr") && args.length === 1) return substringFrom(args[0]!, from.value, from.length);
  throw unsupported(from.at, `${name}(... FROM ...)`, "FROM inside a call is EXTRACT(field FROM d) or SUBSTRING(s FROM pos FOR len)");
}

/** The relations of a hint comment's BROADCAST(a, b) / BROADCASTJOIN / MAPJOIN; other hints (Spark's COALESCE, MERGE...) are ignored, as Spark ignores unknown ones. */
function broadcastHints(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\b(?:BROADCAST|BROADCASTJOIN|MAPJOIN)\s*\(([^)]*)\)/gi)) {
    for (const name of m[1]!.split(",")) if (name.trim()) out.push(name.trim().replace(/^`|`$/g, "").toLowerCase());
  }
  return out;
}
