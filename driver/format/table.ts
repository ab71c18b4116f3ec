/** Renders rows as Spark's `show()` does: a boxed ASCII table, values right-aligned, columns at least 3 wide. */
export function formatTable(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const render = (value: unknown): string => (value === null || value === undefined ? "null" : String(value));
  const cells = rows.map((row) => columns.map((_, i) => render(row[i])));
  const widths = columns.map((name, i) => Math.max(3, name.length, ...cells.map((row) => row[i]!.length)));
  const rule = `+${widths.map((w) => "-".repeat(w)).join("+")}+`;
  const line = (values: readonly string[]) => `|${values.map((v, i) => v.padStart(widths[i]!)).join("|")}|`;
  return [rule, line(columns), rule, ...cells.map(line), rule].join("\n");
}
