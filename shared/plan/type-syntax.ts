/**
 * The text of a data type, read into a small tree: Spark's DDL (`INT`, `decimal(10, 2)`,
 * `ARRAY<STRING>`, `STRUCT<a: INT, ``b c``: ARRAY<DOUBLE>>`, `MAP<STRING, INT>`) and sparkfn's own
 * canonical spelling of a type (types.ts: `array<int>`, `struct<a:int,b:string>`), which is the
 * same grammar. Names are case-insensitive; a struct field's name keeps its case and may be
 * quoted with backticks (a backtick inside doubled). This module knows no type rules: types.ts
 * turns the tree into a DataType.
 */

export type TypeSyntax =
  | { readonly kind: "name"; readonly name: string; readonly at: number }
  | { readonly kind: "decimal"; readonly precision: number | null; readonly scale: number | null; readonly at: number }
  | { readonly kind: "array"; readonly element: TypeSyntax }
  | { readonly kind: "map"; readonly key: TypeSyntax; readonly value: TypeSyntax }
  | { readonly kind: "struct"; readonly fields: readonly { readonly name: string; readonly type: TypeSyntax }[] };

/** Text that is not a type: the message names the spot. */
export class TypeSyntaxError extends Error {
  override readonly name = "TypeSyntaxError";
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A struct field's name as a type's text spells it: bare when it is an identifier, else in backticks. */
export function quoteFieldName(name: string): string {
  return IDENTIFIER.test(name) ? name : `\`${name.replaceAll("`", "``")}\``;
}

class Reader {
  at = 0;
  constructor(readonly text: string) {}
  skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }
  peek(): string {
    this.skipSpace();
    return this.text[this.at] ?? "";
  }
  expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected "${ch}"`);
    this.at++;
  }
  word(): string {
    this.skipSpace();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at));
    if (!m) this.fail("expected a type name");
    this.at += m[0].length;
    return m[0];
  }
  fieldName(): string {
    this.skipSpace();
    if (this.text[this.at] !== "`") {
      const m = /^[^\s:,<>`]+/.exec(this.text.slice(this.at));
      if (!m) this.fail("expected a field name");
      this.at += m[0].length;
      return m[0];
    }
    let name = "";
    for (this.at++; ; this.at++) {
      if (this.at >= this.text.length) this.fail("a field name's backtick is not closed");
      if (this.text[this.at] === "`") {
        if (this.text[this.at + 1] !== "`") break;
        this.at++;
      }
      name += this.text[this.at];
    }
    this.at++;
    return name;
  }
  integer(): number {
    this.skipSpace();
    const m = /^\d+/.exec(this.text.slice(this.at));
    if (!m) this.fail("expected a whole number");
    this.at += m[0].length;
    return Number(m[0]);
  }
  fail(what: string): never {
    throw new TypeSyntaxError(`Cannot read the data type "${this.text}": ${what} at character ${this.at + 1}.`);
  }
}

function readType(r: Reader): TypeSyntax {
  r.skipSpace();
  const at = r.at;
  const word = r.word().toLowerCase();
  if (word === "array") {
    r.expect("<");
    const element = readType(r);
    r.expect(">");
    return { kind: "array", element };
  }
  if (word === "map") {
    r.expect("<");
    const key = readType(r);
    r.expect(",");
    const value = readType(r);
    r.expect(">");
    return { kind: "map", key, value };
  }
  if (word === "struct") {
    r.expect("<");
    const fields: { name: string; type: TypeSyntax }[] = [];
    if (r.peek() !== ">") {
      for (;;) {
        const name = r.fieldName();
        if (r.peek() === ":") r.at++;
        fields.push({ name, type: readType(r) });
        if (r.peek() !== ",") break;
        r.at++;
      }
    }
    r.expect(">");
    return { kind: "struct", fields };
  }
  if (word === "interval") {
    // INTERVAL DAY, INTERVAL DAY TO SECOND: the words as one name (types.ts reads it).
    let name = `interval ${r.word().toLowerCase()}`;
    const before = r.at;
    r.skipSpace();
    if (/^to(?![A-Za-z0-9_])/i.test(r.text.slice(r.at))) {
      r.word();
      name += ` to ${r.word().toLowerCase()}`;
    } else r.at = before;
    return { kind: "name", name, at };
  }
  if (word === "decimal" || word === "dec" || word === "numeric") {
    if (r.peek() !== "(") return { kind: "decimal", precision: null, scale: null, at };
    r.at++;
    const precision = r.integer();
    let scale: number | null = null;
    if (r.peek() === ",") {
      r.at++;
      scale = r.integer();
    }
    r.expect(")");
    return { kind: "decimal", precision, scale, at };
  }
  return { kind: "name", name: word, at };
}

/** Reads one whole type from `text` (nothing may follow it). */
export function readTypeSyntax(text: string): TypeSyntax {
  const r = new Reader(text);
  const t = readType(r);
  if (r.peek() !== "") r.fail("unexpected text after the type");
  return t;
}

/**
 * Cuts a DDL schema (`id INT, tags ARRAY<STRING>, amount DECIMAL(10,2) NOT NULL`) into its
 * columns: name, the type's text and whether NOT NULL follows; commas inside <> and () belong
 * to the type.
 */
export function splitDdlColumns(ddl: string): { readonly name: string; readonly type: string; readonly notNull: boolean; readonly text: string }[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let quoted = false;
  for (let i = 0; i < ddl.length; i++) {
    const ch = ddl[i]!;
    if (ch === "`") quoted = !quoted;
    if (quoted) continue;
    if (ch === "<" || ch === "(") depth++;
    else if (ch === ">" || ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(ddl.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(ddl.slice(start));
  return parts.map((text) => {
    const r = new Reader(text);
    r.skipSpace();
    if (r.peek() === "") return { name: "", type: "", notNull: false, text };
    const name = r.fieldName();
    let rest = text.slice(r.at).trim();
    if (rest.startsWith(":")) rest = rest.slice(1).trim();
    const notNull = /\s+NOT\s+NULL$/i.exec(rest);
    return { name, type: notNull ? rest.slice(0, notNull.index) : rest, notNull: notNull !== null, text };
  });
}
