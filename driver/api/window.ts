/**
 * Windows, as PySpark's `Window` and `WindowSpec`: `Window.partitionBy("g").orderBy(col("x").desc())
 * .rowsBetween(Window.unboundedPreceding, Window.currentRow)`, used with `column.over(window)`;
 * and the window functions (row_number, rank, lag, ...), re-exported by functions.ts.
 *
 * Frame bounds are numbers, as in PySpark: negative is preceding, positive following, 0 the
 * current row; Window.unboundedPreceding / unboundedFollowing are -2^63 and 2^63 (Spark's
 * Long.MinValue and Long.MaxValue as JavaScript numbers, which survive JSON), and any bound
 * beyond the safe integers counts as unbounded. In the plan an unbounded side is null.
 */
import { literal, type Expr, type WindowFn, type WindowFrame, type WindowOrder, type WindowSpec as SpecData } from "../../shared/plan/expr.ts";
import { Column, SortOrderColumn, toExpr, type ColumnLike } from "./column.ts";

type ColumnOrName = Column | string;
type OrderLike = ColumnOrName | SortOrderColumn;

const exprOf = (c: ColumnOrName): Expr => (typeof c === "string" ? { kind: "column", name: c } : c.expr);

function orderOf(c: OrderLike): WindowOrder {
  if (c instanceof SortOrderColumn) return { expr: c.expr, ascending: c.ascending, nullsFirst: c.nullsFirst };
  return { expr: exprOf(c), ascending: true, nullsFirst: true };
}

function frameOf(type: WindowFrame["type"], start: number, end: number): WindowFrame {
  for (const [what, n] of [["start", start], ["end", end]] as const) {
    if (typeof n !== "number" || !Number.isInteger(n)) {
      throw new Error(`${type}Between: the ${what} must be a whole number (or Window.unboundedPreceding, Window.currentRow, Window.unboundedFollowing), got ${n}.`);
    }
  }
  return {
    type,
    start: start <= Number.MIN_SAFE_INTEGER ? null : start >= Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : start,
    end: end >= Number.MAX_SAFE_INTEGER ? null : end <= Number.MIN_SAFE_INTEGER ? Number.MIN_SAFE_INTEGER : end,
  };
}

/** A window: immutable; every method returns a new one. */
export class WindowSpec {
  constructor(
    private readonly partitions: readonly Expr[] = [],
    private readonly orders: readonly WindowOrder[] = [],
    private readonly frame: WindowFrame | null = null,
  ) {}

  partitionBy(...cols: (ColumnOrName | readonly ColumnOrName[])[]): WindowSpec {
    return new WindowSpec((cols.flat() as ColumnOrName[]).map(exprOf), this.orders, this.frame);
  }

  orderBy(...cols: (OrderLike | readonly OrderLike[])[]): WindowSpec {
    return new WindowSpec(this.partitions, (cols.flat() as OrderLike[]).map(orderOf), this.frame);
  }

  /** ROWS BETWEEN start AND end: offsets in rows from the current row. */
  rowsBetween(start: number, end: number): WindowSpec {
    return new WindowSpec(this.partitions, this.orders, frameOf("rows", start, end));
  }

  /** RANGE BETWEEN start AND end: offsets in values of the (one, numeric) order key; 0 is the current row's peers. */
  rangeBetween(start: number, end: number): WindowSpec {
    return new WindowSpec(this.partitions, this.orders, frameOf("range", start, end));
  }

  /** The plan's form of this window. */
  toSpec(): SpecData {
    return { partitionBy: this.partitions, orderBy: this.orders, frame: this.frame };
  }
}

/** Entry points to windows, as PySpark's `Window`. */
export const Window = {
  unboundedPreceding: -(2 ** 63),
  unboundedFollowing: 2 ** 63,
  currentRow: 0,
  partitionBy: (...cols: (ColumnOrName | readonly ColumnOrName[])[]) => new WindowSpec().partitionBy(...cols),
  orderBy: (...cols: (OrderLike | readonly OrderLike[])[]) => new WindowSpec().orderBy(...cols),
  rowsBetween: (start: number, end: number) => new WindowSpec().rowsBetween(start, end),
  rangeBetween: (start: number, end: number) => new WindowSpec().rangeBetween(start, end),
} as const;

const windowFn = (fn: WindowFn, args: readonly Expr[], ignoreNulls?: boolean) =>
  new Column({ kind: "window", fn, args, ...(ignoreNulls ? { ignoreNulls: true } : {}), spec: null });

const whole = (n: number, what: string) => {
  if (!Number.isInteger(n)) throw new Error(`${what} must be a whole number, got ${n}.`);
  return literal(n);
};

/** 1, 2, 3, ... within each window partition, in window order. */
export const row_number = () => windowFn("row_number", []);
/** The row's rank with gaps: ties share a rank, the next rank skips. */
export const rank = () => windowFn("rank", []);
/** The row's rank without gaps. */
export const dense_rank = () => windowFn("dense_rank", []);
/** (rank - 1) / (rows in partition - 1), 0 for a partition of one row. */
export const percent_rank = () => windowFn("percent_rank", []);
/** The fraction of the partition's rows ordered at or before this row (its peers included). */
export const cume_dist = () => windowFn("cume_dist", []);
/** The bucket 1..n of the row when the partition is cut into n buckets of nearly equal size. */
export const ntile = (n: number) => windowFn("ntile", [whole(n, "ntile(n)")]);
/** The value `offset` rows before the current row in its partition, or `defaultValue` when there is none. */
export const lag = (c: ColumnOrName, offset = 1, defaultValue: ColumnLike = null) => windowFn("lag", [exprOf(c), whole(offset, "lag's offset"), toExpr(defaultValue)]);
/** The value `offset` rows after the current row in its partition, or `defaultValue` when there is none. */
export const lead = (c: ColumnOrName, offset = 1, defaultValue: ColumnLike = null) => windowFn("lead", [exprOf(c), whole(offset, "lead's offset"), toExpr(defaultValue)]);
/** The value of the frame's n-th row (1-based), or null when the frame is shorter. */
export const nth_value = (c: ColumnOrName, offset: number, ignoreNulls = false) => windowFn("nth_value", [exprOf(c), whole(offset, "nth_value's offset")], ignoreNulls);
/** The frame's first value (first() over a window). */
export const first_value = (c: ColumnOrName, ignoreNulls = false) => new Column({ kind: "agg", fn: "first", arg: exprOf(c), ...(ignoreNulls ? { ignoreNulls: true } : {}) });
/** The frame's last value (last() over a window). */
export const last_value = (c: ColumnOrName, ignoreNulls = false) => new Column({ kind: "agg", fn: "last", arg: exprOf(c), ...(ignoreNulls ? { ignoreNulls: true } : {}) });
