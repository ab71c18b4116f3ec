/** Result rows as users get them from collect(): objects keyed by column name, timestamps as Dates, decimals as text. */
import { dateOfMicros } from "../../shared/plan/functions/timestamps.ts";
import { decimalText } from "../../shared/plan/decimal.ts";
import { decimalOf, type Schema, type Value } from "../../shared/plan/types.ts";

/**
 * A value as collect() gives it: a timestamp column's values are Dates (to the millisecond), a
 * decimal column's their exact plain text ("12.30", as Java's BigDecimal.toPlainString), the
 * rest as rows carry them.
 */
export type RowValue = Value | Date;
export type RowObject = Record<string, RowValue>;

/**
 * Rows as objects keyed by column name, in column order. Properties are assigned in one loop
 * (objects of one shape, about 2.5x faster than Object.fromEntries on 1M rows); a column named
 * `__proto__` would set the prototype that way, so such a schema takes Object.fromEntries,
 * which defines it as an own property.
 */
export function toObjects(schema: Schema, rows: Value[][]): RowObject[] {
  const timestamps = schema.fields.flatMap((f, i) => (f.type === "timestamp" ? [i] : []));
  if (timestamps.length > 0) rows = rows.map((row) => withDates(row, timestamps) as Value[]);
  const decimals = schema.fields.flatMap((f, i) => { const d = decimalOf(f.type); return d ? [[i, d.scale] as const] : []; });
  if (decimals.length > 0) rows = rows.map((row) => withDecimalText(row, decimals));
  const names = schema.fields.map((f) => f.name);
  if (names.includes("__proto__")) return rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i] ?? null])));
  const out: RowObject[] = new Array(rows.length);
  const width = names.length;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const object: RowObject = {};
    for (let i = 0; i < width; i++) object[names[i]!] = row[i] ?? null;
    out[r] = object;
  }
  return out;
}

/** A row whose timestamp columns (microseconds) are Dates, as collect() gives them. */
function withDates(row: readonly Value[], columns: readonly number[]): RowValue[] {
  const out: RowValue[] = row.slice();
  for (const c of columns) if (typeof out[c] === "number") out[c] = dateOfMicros(out[c] as number);
  return out;
}


/** A row whose decimal columns (unscaled bigints) are their text. */
function withDecimalText(row: readonly Value[], columns: readonly (readonly [number, number])[]): Value[] {
  const out = row.slice();
  for (const [c, scale] of columns) if (typeof out[c] === "bigint") out[c] = decimalText(out[c] as bigint, scale);
  return out;
}
