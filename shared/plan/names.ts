/**
 * Column names the analyzer makes up. Names are unique within a schema (every operator finds
 * its columns by name), but Spark lets a join's output hold two columns of one name (a
 * self-join's `name` from each side). The analyzer keeps such columns apart under internal
 * names, the user's name followed by MARK and a number; users see the part before MARK
 * (`displayName`), and reach each column through its DataFrame's alias (`col("e.name")`).
 * MARK is NUL, which no user column name holds and no user string can splice into a name.
 */
const MARK = "\u0000";

let issued = 0;

/** A fresh internal name that shows as `name`. */
export function markedName(name: string): string {
  return `${displayName(name)}${MARK}#${++issued}`;
}

export function isMarked(name: string): boolean {
  return name.includes(MARK);
}

/** The name users see. */
export function displayName(name: string): string {
  const at = name.indexOf(MARK);
  return at < 0 ? name : name.slice(0, at);
}

/** Text (an explain(), an expression's name) with internal names as Spark prints attributes: `name#3`. */
export function readableNames(text: string): string {
  return text.includes(MARK) ? text.replaceAll(MARK, "") : text;
}

/** Text with internal names shown as the users' names (an output column's name built from its expression). */
export function displayText(text: string): string {
  return text.includes(MARK) ? text.replace(/\u0000#\d+/g, "") : text;
}

/** A column expression that select() expands to every column whose name matches a Java regex (df.colRegex). */
export const REGEX_COLUMN = `${MARK}regex:`;
