/**
 * Column: an immutable wrapper around an expression node. Every method returns a new
 * Column; method names follow Spark's Scala Column (TypeScript has no operator overloading).
 */
import { alias, binary, call, exprName, literal, unary, type BinaryOp, type Expr, type WindowSpec } from "../../shared/plan/expr.ts";
import type { SortOrder } from "../../shared/plan/logical.ts";
import { parseTypeName, type DataType, type Scalar } from "../../shared/plan/types.ts";
import { byteString } from "../../shared/plan/binary.ts";

export type ColumnLike = Column | Scalar | Uint8Array;

/** Values become literals (a Uint8Array a binary one: its byte string, shared/plan/binary.ts); Columns stay as they are. */
export function toExpr(value: ColumnLike): Expr {
  if (value instanceof Uint8Array) return { kind: "literal", value: byteString(value), type: "binary" };
  return value instanceof Column ? value.expr : literal(value);
}

export class Column {
  constructor(readonly expr: Expr) {}

  private bin(op: BinaryOp, other: ColumnLike): Column {
    return new Column(binary(op, this.expr, toExpr(other)));
  }

  plus(other: ColumnLike) { return this.bin("add", other); }
  minus(other: ColumnLike) { return this.bin("subtract", other); }
  multiply(other: ColumnLike) { return this.bin("multiply", other); }
  divide(other: ColumnLike) { return this.bin("divide", other); }
  mod(other: ColumnLike) { return this.bin("mod", other); }
  equalTo(other: ColumnLike) { return this.bin("eq", other); }
  notEqual(other: ColumnLike) { return this.bin("ne", other); }
  gt(other: ColumnLike) { return this.bin("gt", other); }
  geq(other: ColumnLike) { return this.bin("ge", other); }
  lt(other: ColumnLike) { return this.bin("lt", other); }
  leq(other: ColumnLike) { return this.bin("le", other); }
  /** Equality that treats two nulls as equal (Spark's `<=>`). */
  eqNullSafe(other: ColumnLike) { return this.bin("eqNullSafe", other); }
  and(other: ColumnLike) { return this.bin("and", other); }
  or(other: ColumnLike) { return this.bin("or", other); }
  negate() { return new Column(unary("negate", this.expr)); }
  isNull() { return new Column(unary("isNull", this.expr)); }
  isNotNull() { return new Column(unary("isNotNull", this.expr)); }

  isin(...values: (ColumnLike | ColumnLike[])[]) {
    const flat = values.flat() as ColumnLike[];
    return new Column({ kind: "in", expr: this.expr, values: flat.map(toExpr) });
  }

  /** lower <= this <= upper, inclusive, as Spark's between. */
  between(lower: ColumnLike, upper: ColumnLike) {
    return this.geq(lower).and(this.leq(upper));
  }

  /** SQL LIKE: `%` matches any run of characters, `_` one character, `\` escapes. */
  like(pattern: string) {
    return new Column(call("like", [this.expr, literal(pattern)]));
  }

  /** True when the Java regular expression matches anywhere in the value (Spark's RLIKE). */
  rlike(pattern: string) {
    return new Column(call("rlike", [this.expr, literal(pattern)]));
  }

  /** cast("int"), cast("double"), cast("string"), ... (Spark's DDL type names). */
  cast(type: string | DataType) {
    return new Column({ kind: "cast", expr: this.expr, to: parseTypeName(type) });
  }

  /** As cast(), but a value that does not convert gives null instead of failing (PySpark 4's Column.try_cast). */
  try_cast(type: string | DataType) {
    return new Column({ kind: "cast", expr: this.expr, to: parseTypeName(type), mode: "try" });
  }

  /**
   * The column's name; a generator that gives several columns (posexplode, inline) takes one
   * name per column: `posexplode("tags").alias("pos", "tag")`.
   */
  alias(name: string, ...more: string[]) {
    if (more.length === 0) return new Column(alias(this.expr, name));
    if (this.expr.kind !== "generator") throw new Error(`alias(): ${exprName(this.expr)} gives one column; give it one name (several names are for posexplode() and inline()).`);
    return new Column({ ...this.expr, names: [name, ...more] });
  }
  /** Same as alias. */
  as(name: string, ...more: string[]) { return this.alias(name, ...more); }

  /** A struct's field: `col("user").getField("name")` (as col("user.name")). */
  getField(name: string) {
    if (typeof name !== "string" || name === "") throw new Error("getField() needs a field name.");
    return new Column(call("get_field", [this.expr, literal(name)]));
  }

  /**
   * An array's element at a 0-based index, `col("tags").getItem(0)` (out of bounds fails with
   * ANSI on; element_at and try_element_at count from 1), or a map's value for a key,
   * `col("scores").getItem("math")` (null when absent).
   */
  getItem(index: number | string | Column) {
    return new Column(call("get_item", [this.expr, toExpr(index)]));
  }
  name(name: string) { return this.alias(name); }

  /**
   * This window function (row_number(), lag(...)) or aggregate (sum(...)) over a window:
   * `col.over(Window.partitionBy("g").orderBy("t"))` (driver/api/window.ts).
   */
  over(window: { toSpec(): WindowSpec }): Column {
    const spec = window.toSpec();
    if (this.expr.kind === "window") return new Column({ ...this.expr, spec });
    if (this.expr.kind === "agg") return new Column({ kind: "window", fn: "aggregate", args: [this.expr], spec });
    throw new Error(`over(): ${exprName(this.expr)} is not a window function or an aggregate; call over() on row_number(), rank(), lag(...), sum(...) and the like (before alias()).`);
  }

  asc(): SortOrderColumn { return new SortOrderColumn(this.expr, true, true); }
  desc(): SortOrderColumn { return new SortOrderColumn(this.expr, false, false); }
  asc_nulls_first(): SortOrderColumn { return new SortOrderColumn(this.expr, true, true); }
  asc_nulls_last(): SortOrderColumn { return new SortOrderColumn(this.expr, true, false); }
  desc_nulls_first(): SortOrderColumn { return new SortOrderColumn(this.expr, false, true); }
  desc_nulls_last(): SortOrderColumn { return new SortOrderColumn(this.expr, false, false); }
}

/** A column with a sort direction, as `col("x").desc()` gives. */
export class SortOrderColumn {
  constructor(
    readonly expr: Expr,
    readonly ascending: boolean,
    readonly nullsFirst: boolean,
  ) {}

  toSortOrder(): SortOrder {
    return { expr: this.expr, ascending: this.ascending, nullsFirst: this.nullsFirst };
  }
}

/** `when(cond, value).when(...).otherwise(value)`. */
export class CaseWhenColumn extends Column {
  constructor(private readonly branches: readonly { when: Expr; then: Expr }[]) {
    super({ kind: "caseWhen", branches, otherwise: null });
  }

  when(condition: Column, value: ColumnLike): CaseWhenColumn {
    return new CaseWhenColumn([...this.branches, { when: condition.expr, then: toExpr(value) }]);
  }

  otherwise(value: ColumnLike): Column {
    return new Column({ kind: "caseWhen", branches: this.branches, otherwise: toExpr(value) });
  }
}
