/**
 * Answers of the two engines in one shape, and the check that they agree.
 *
 * An answer is its column names and rows of plain values: numbers (DuckDB's BIGINT and
 * HUGEINT become numbers), strings, dates as "YYYY-MM-DD", null. Each column has a kind,
 * taken from DuckDB's result type, that says how values are compared:
 *   exact  integers (keys, counts, years), strings and dates: equal;
 *   money  DECIMAL results (sums of prices): within a relative 1e-6 or 0.01 absolute, since
 *          sparkfn reads decimals as doubles;
 *   float  DOUBLE results (averages, ratios): within a relative 1e-6 (1e-9 absolute near 0).
 *
 * Rows are compared in order when the query's ORDER BY is a total order; otherwise (ties
 * are possible, or there is no ORDER BY) both sides are sorted first and compared as
 * multisets.
 */
import type { DuckDBConnection } from "@duckdb/node-api";

export type Cell = string | number | null;
export type ColumnKind = "exact" | "money" | "float";

export interface Answer {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

export interface ExpectedAnswer extends Answer {
  readonly kinds: readonly ColumnKind[];
}

/**
 * Queries whose ORDER BY may tie (on a computed sum, with LIMIT or not): their rows are
 * compared as multisets. The others order by group keys or unique columns (a total order),
 * or return one row.
 */
export const UNORDERED_QUERIES: ReadonlySet<string> = new Set(["q03", "q05", "q10", "q11", "q18"]);

const kindOfDuckType = (type: string): ColumnKind =>
  /^DECIMAL/i.test(type) ? "money" : /^(DOUBLE|FLOAT|REAL)/i.test(type) ? "float" : "exact";

function cell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "number" || typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** Runs `sql` on DuckDB and returns its answer (with DuckDB's column types as kinds). */
export async function duckAnswer(connection: DuckDBConnection, sql: string): Promise<ExpectedAnswer> {
  const reader = await connection.runAndReadAll(sql);
  const rows = reader.getRowsJS().map((row) => row.map(cell));
  return { columns: reader.columnNames(), kinds: reader.columnTypes().map((t) => kindOfDuckType(String(t))), rows };
}

/** sparkfn's collected rows (objects in schema order) as an answer. */
export function sparkAnswer(columns: readonly string[], rows: readonly Record<string, unknown>[]): Answer {
  return { columns, rows: rows.map((r) => columns.map((c) => cell(r[c]))) };
}

function cellsAgree(kind: ColumnKind, a: Cell, b: Cell): boolean {
  if (a === null || b === null) return a === b;
  if (kind === "exact" || typeof a !== "number" || typeof b !== "number") return a === b;
  const diff = Math.abs(a - b);
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return diff <= 1e-6 * scale || diff <= (kind === "money" ? 0.01 : 1e-9);
}

function compareCells(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

const sortedRows = (rows: readonly (readonly Cell[])[]) =>
  [...rows].sort((r, s) => {
    for (let i = 0; i < r.length; i++) {
      const c = compareCells(r[i]!, s[i]!);
      if (c !== 0) return c;
    }
    return 0;
  });

const showRow = (columns: readonly string[], row: readonly Cell[] | undefined) =>
  row === undefined ? "(none)" : `{ ${columns.map((c, i) => `${c}: ${JSON.stringify(row[i])}`).join(", ")} }`;

/**
 * Why sparkfn's answer differs from DuckDB's (naming the query and the first differing
 * row), or undefined when they agree.
 */
export function answerMismatch(query: string, actual: Answer, expected: ExpectedAnswer): string | undefined {
  const names = (cols: readonly string[]) => cols.map((c) => c.toLowerCase()).join(", ");
  if (names(actual.columns) !== names(expected.columns)) {
    return `${query}: columns differ: sparkfn [${actual.columns.join(", ")}], duckdb [${expected.columns.join(", ")}]`;
  }
  const ordered = !UNORDERED_QUERIES.has(query);
  const [mine, theirs] = ordered ? [actual.rows, expected.rows] : [sortedRows(actual.rows), sortedRows(expected.rows)];
  const n = Math.max(mine.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const [a, b] = [mine[i], theirs[i]];
    const bad = a === undefined || b === undefined ? -1 : expected.kinds.findIndex((kind, c) => !cellsAgree(kind, a[c]!, b[c]!));
    if (a !== undefined && b !== undefined && bad < 0) continue;
    const counts = mine.length !== theirs.length ? ` (sparkfn has ${mine.length} rows, duckdb ${theirs.length})` : "";
    const where = bad >= 0 ? ` at column ${expected.columns[bad]}` : "";
    return [
      `${query}: answers differ at ${ordered ? "row" : "sorted row"} ${i + 1}${where}${counts}`,
      `  sparkfn: ${showRow(actual.columns, a)}`,
      `  duckdb:  ${showRow(expected.columns, b)}`,
    ].join("\n");
  }
  return undefined;
}
