import { ColumnPredicate } from "../../shared/task.ts";

const OPS = { ">": "gt", ">=": "ge", "<": "lt", "<=": "le", "=": "eq", "==": "eq", "!=": "ne", "<>": "ne" } as const;

/**
 * Parses a one-comparison condition such as `amount > 1000` or `category = 'Books'` into
 * data. The text is never evaluated; anything else is rejected with the expected form.
 */
export function parsePredicate(text: string): ColumnPredicate {
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|<>|!=|==|=|>|<)\s*(.+?)\s*$/.exec(text);
  if (!match) {
    throw new Error(
      `Cannot read the condition ${JSON.stringify(text)}: expected "<column> <op> <value>" ` +
        `with op one of ${Object.keys(OPS).join(" ")}, e.g. "amount > 1000".`,
    );
  }
  const [, column, op, rawValue] = match as unknown as [string, string, keyof typeof OPS, string];
  const quoted = /^'(.*)'$|^"(.*)"$/.exec(rawValue);
  const value = quoted ? (quoted[1] ?? quoted[2] ?? "") : Number.isFinite(Number(rawValue)) ? Number(rawValue) : rawValue;
  return ColumnPredicate.parse({ column, op: OPS[op], value });
}
