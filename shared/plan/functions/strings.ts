/**
 * Spark's everyday string functions (`lpad`, `ltrim`, `instr`, `locate`, `reverse`, `repeat`,
 * `initcap`, `left`, `ascii`, `translate`, `substring_index`, `overlay`, `levenshtein`,
 * `soundex`...): what each takes, what type it gives, and the one definition of its values,
 * as kernels over raw strings and ints. The vector compiler (executor-fn/compile/vector-calls.ts)
 * calls a kernel only when every argument is non-null (null in, null out), except for a
 * function that `takesNulls` (locate: a NULL position gives 0, as Spark).
 *
 * Positions and lengths count Unicode code points, as Spark's UTF8String does, not the
 * UTF-16 units of JavaScript strings: "😀x" has length 2, and reverse keeps the emoji whole.
 */
import { BadInputError } from "../../errors.ts";
import { RUNTIME } from "../semantics.ts";
import { regexpExtract, regexpExtractAll, regexpReplace, rlike } from "./regex.ts";
import { BINARY_FUNCTIONS } from "./binary-functions.ts";
import { formatNumber } from "./format-number.ts";

/**
 * An argument's kind: a string, an int (a position, a length or a count), `text`: a string or an
 * array of strings, `binary`: bytes (a string is cast to its UTF-8 bytes), `binaryOrLong`: bytes
 * or a long (an integer is cast to one: hex), `number`: any numeric (a double or float as a
 * number, any other as its exact text), `placesOrPattern`: an int or a string (format_number's).
 */
export type StringArg = "string" | "int" | "text" | "binary" | "binaryOrLong" | "number" | "placesOrPattern";
export type StringKernel = (...xs: (string | number | readonly string[] | null)[]) => string | number | boolean | readonly string[] | null;

export interface StringFunction {
  /** The arguments' kinds, in order (how many may be given: SCALAR_FUNCTIONS in expr.ts); with `variadic`, the last kind repeats. */
  readonly args: readonly StringArg[];
  readonly variadic?: true;
  readonly result: "string" | "int" | "boolean" | "array<string>" | "binary";
  /** The kernel sees nulls (else the compiler gives null for a null argument). */
  readonly takesNulls?: true;
  /** With every string argument binary, it works on the bytes and gives bytes (Spark's lpad, rpad and left of binary). */
  readonly bytes?: true;
  readonly kernel: StringKernel;
}

const codePoints = (s: string): string[] => Array.from(s);
const numChars = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
/** The first `n` code points of s (all of it when n is beyond its length; none when n <= 0). */
const take = (s: string, n: number): string => (n <= 0 ? "" : codePoints(s).slice(0, n).join(""));
const substringSQL = (s: string, pos: number, len: number) => RUNTIME.substring(s, pos, len) as string;
/** Java's int addition (wraps), as Spark's positions are ints. */
const addInt = (a: number, b: number) => (a + b) | 0;

/** UTF8String.indexOf(v, start) + 1: the 1-based code point position of v at or after the start-th code point, 0 if none. */
function indexOf(s: string, v: string, start: number): number {
  if (v === "") return 1;
  let units = 0;
  let chars = 0;
  for (const ch of s) {
    if (chars >= start) break;
    units += ch.length;
    chars++;
  }
  const at = s.indexOf(v, units);
  return at < 0 ? 0 : chars + numChars(s.slice(units, at)) + 1;
}

/** UTF8String.lpad/rpad: pad (repeated, the last copy cut) up to len code points; cut to len when longer. */
function pad(left: boolean) {
  return (s: string, len: number, padding: string): string => {
    const spaces = len - numChars(s);
    if (spaces <= 0 || padding === "") return take(s, len);
    const unit = codePoints(padding);
    const fill = unit.join("").repeat(Math.floor(spaces / unit.length)) + unit.slice(0, spaces % unit.length).join("");
    return left ? fill + s : s + fill;
  };
}

/**
 * Unicode's full title-case mappings (SpecialCasing.txt and UnicodeData.txt) where they differ
 * from the upper case JavaScript gives: "ß" is "Ss" (not "SS"), "ﬁ" is "Fi", "ǆ" is "ǅ", "ᾳ" is
 * "ᾼ"; one "from to" pair after another, each ended by U+0000.
 */
const TITLE_CASE = new Map(
  "\u00dfSs\u0000\u01c4\u01c5\u0000\u01c6\u01c5\u0000\u01c7\u01c8\u0000\u01c9\u01c8\u0000\u01ca\u01cb\u0000\u01cc\u01cb\u0000\u01f1\u01f2\u0000\u01f3\u01f2\u0000\u0587\u0535\u0582\u0000\u1f80\u1f88\u0000\u1f81\u1f89\u0000\u1f82\u1f8a\u0000\u1f83\u1f8b\u0000\u1f84\u1f8c\u0000\u1f85\u1f8d\u0000\u1f86\u1f8e\u0000\u1f87\u1f8f\u0000\u1f90\u1f98\u0000\u1f91\u1f99\u0000\u1f92\u1f9a\u0000\u1f93\u1f9b\u0000\u1f94\u1f9c\u0000\u1f95\u1f9d\u0000\u1f96\u1f9e\u0000\u1f97\u1f9f\u0000\u1fa0\u1fa8\u0000\u1fa1\u1fa9\u0000\u1fa2\u1faa\u0000\u1fa3\u1fab\u0000\u1fa4\u1fac\u0000\u1fa5\u1fad\u0000\u1fa6\u1fae\u0000\u1fa7\u1faf\u0000\u1fb2\u1fba\u0345\u0000\u1fb3\u1fbc\u0000\u1fb4\u0386\u0345\u0000\u1fb7\u0391\u0342\u0345\u0000\u1fc2\u1fca\u0345\u0000\u1fc3\u1fcc\u0000\u1fc4\u0389\u0345\u0000\u1fc7\u0397\u0342\u0345\u0000\u1ff2\u1ffa\u0345\u0000\u1ff3\u1ffc\u0000\u1ff4\u038f\u0345\u0000\u1ff7\u03a9\u0342\u0345\u0000\ufb00Ff\u0000\ufb01Fi\u0000\ufb02Fl\u0000\ufb03Ffi\u0000\ufb04Ffl\u0000\ufb05St\u0000\ufb06St\u0000\ufb13\u0544\u0576\u0000\ufb14\u0544\u0565\u0000\ufb15\u0544\u056b\u0000\ufb16\u054e\u0576\u0000\ufb17\u0544\u056d"
    .split("\u0000")
    .map((pair) => [pair[0]!, pair.slice(1)] as const),
);
/** Letters that are their own title case though their upper case differs (title-case digraphs, Georgian Mkhedruli, Greek with prosgegrammeni). */
const OWN_TITLE_CASE = /^[\u01c5\u01c8\u01cb\u01f2\u10d0-\u10fa\u10fd-\u10ff\u1f88-\u1f8f\u1f98-\u1f9f\u1fa8-\u1faf\u1fbc\u1fcc\u1ffc]$/;

/** The full title case of one code point (Java's and Spark's, which may be several code points). */
const titleCase = (ch: string): string => TITLE_CASE.get(ch) ?? (OWN_TITLE_CASE.test(ch) ? ch : ch.toUpperCase());

/** Spark's initcap: lower case, then the first letter of each word (after a space, U+0020 only) in title case. */
function initcap(s: string): string {
  let out = "";
  let afterSpace = true;
  for (const ch of s.toLowerCase()) {
    out += afterSpace ? titleCase(ch) : ch;
    afterSpace = ch === " ";
  }
  return out;
}

/** StringTranslate: each code point of `matching` maps to the one at the same place in `replace`, or is deleted; the first mapping wins. */
function translate(s: string, matching: string, replace: string): string {
  const to = codePoints(replace);
  const dict = new Map<string, string | null>();
  codePoints(matching).forEach((m, i) => {
    if (!dict.has(m)) dict.set(m, i < to.length ? to[i]! : null);
  });
  let out = "";
  for (const ch of s) {
    const r = dict.get(ch);
    out += r === undefined ? ch : (r ?? "");
  }
  return out;
}

/** UTF8String.subStringIndex: the part before the count-th delimiter from the left (count > 0) or after the count-th from the right. */
function substringIndex(s: string, delim: string, count: number): string {
  if (delim === "" || count === 0) return "";
  let idx: number;
  if (count > 0) {
    idx = -1;
    for (let n = count; n > 0; n--) {
      idx = s.indexOf(delim, idx + 1);
      if (idx < 0) return s;
    }
    return s.slice(0, idx);
  }
  idx = s.length;
  for (let n = -count; n > 0; n--) {
    idx = idx - 1 < 0 ? -1 : s.lastIndexOf(delim, idx - 1);
    if (idx < 0) return s;
  }
  return s.slice(idx + delim.length);
}

/** Spark's overlay: the first pos-1 code points, replace, then the rest after pos + len (len < 0: the length of replace). */
function overlay(s: string, replace: string, pos: number, len: number): string {
  const length = len >= 0 ? len : numChars(replace);
  return substringSQL(s, 1, addInt(pos, -1)) + replace + substringSQL(s, addInt(pos, length), 2147483647);
}

/** The edit distance in code points; with a threshold, -1 when the distance is above it. */
function levenshtein(a: string, b: string, threshold?: number): number {
  const x = codePoints(a);
  const y = codePoints(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  const d = prev[y.length]!;
  return threshold !== undefined && d > threshold ? -1 : d;
}

/** The longest string repeat builds (2^28 UTF-16 units, V8's limit is about 2^29). */
const MAX_REPEAT = 2 ** 28;

/** repeat(str, n): "" for n <= 0; a result too long to hold is an error naming the sizes. */
function repeat(s: string, n: number): string {
  if (n <= 0) return "";
  if (s.length * n > MAX_REPEAT) throw new BadInputError(`repeat(): ${s.length} characters ${n} times is too long a string (over ${MAX_REPEAT} characters). Lower the count, or filter out long strings first.`);
  return s.repeat(n);
}

/** A..Z to soundex digits; 7 (H, W) is skipped without separating equal codes. */
const SOUNDEX = "01230127022455012623017202";

/** UTF8String.soundex: a first letter and three digits; a string not starting with an ASCII letter is returned as it is. */
function soundex(s: string): string {
  if (s === "") return "";
  const letter = (c: number) => (c >= 97 && c <= 122 ? c - 32 : c);
  const first = letter(s.charCodeAt(0));
  if (first < 65 || first > 90) return s;
  let out = String.fromCharCode(first);
  let last = SOUNDEX[first - 65]!;
  for (let i = 1; i < s.length && out.length < 4; i++) {
    const c = letter(s.charCodeAt(i));
    if (c < 65 || c > 90) {
      last = "0";
      continue;
    }
    const code = SOUNDEX[c - 65]!;
    if (code === "7") continue;
    if (code !== "0" && code !== last) out += code;
    last = code;
  }
  return out.padEnd(4, "0");
}

const str = (f: (s: string) => string | number, result: "string" | "int" = "string"): StringFunction => ({ args: ["string"], result, kernel: f as StringKernel });

/** The everyday string functions (test/spark/functions/strings.test.ts covers each). */
export const CORE_STRING_FUNCTIONS = {
  lpad: { args: ["string", "int", "string"], result: "string", bytes: true, kernel: pad(true) as StringKernel },
  rpad: { args: ["string", "int", "string"], result: "string", bytes: true, kernel: pad(false) as StringKernel },
  /** Spaces (U+0020) only, as trim. */
  ltrim: str((s) => s.replace(/^ +/, "")),
  rtrim: str((s) => s.replace(/ +$/, "")),
  /** instr(str, substr): the 1-based position of substr, 0 if absent (1 for ""). */
  instr: { args: ["string", "string"], result: "int", kernel: ((s: string, v: string) => indexOf(s, v, 0)) as StringKernel },
  /** locate(substr, str, pos = 1): as instr from the pos-th code point; 0 for pos < 1 or NULL. */
  locate: {
    args: ["string", "string", "int"],
    result: "int",
    takesNulls: true,
    kernel: ((v: string | null, s: string | null, pos: number | null = 1) => (pos === null ? 0 : v === null || s === null ? null : pos < 1 ? 0 : indexOf(s, v, pos - 1))) as StringKernel,
  },
  reverse: str((s) => codePoints(s).reverse().join("")),
  repeat: { args: ["string", "int"], result: "string", kernel: repeat as StringKernel },
  initcap: str(initcap),
  /** left(str, len): the first len code points ("" for len <= 0). */
  left: { args: ["string", "int"], result: "string", bytes: true, kernel: ((s: string, n: number) => (n <= 0 ? "" : substringSQL(s, 1, n))) as StringKernel },
  /** right(str, len): the last len code points ("" for len <= 0). */
  right: { args: ["string", "int"], result: "string", kernel: ((s: string, n: number) => (n <= 0 ? "" : substringSQL(s, -n, 2147483647))) as StringKernel },
  /** The first code point's number, 0 for "". */
  ascii: str((s) => s.codePointAt(0) ?? 0, "int"),
  translate: { args: ["string", "string", "string"], result: "string", kernel: translate as StringKernel },
  substring_index: { args: ["string", "string", "int"], result: "string", kernel: substringIndex as StringKernel },
  overlay: { args: ["string", "string", "int", "int"], result: "string", kernel: ((s: string, r: string, pos: number, len: number = -1) => overlay(s, r, pos, len)) as StringKernel },
  levenshtein: { args: ["string", "string", "int"], result: "int", kernel: levenshtein as StringKernel },
  soundex: str(soundex),
  /** format_number(x, d): x with d decimal places and groups of three, or as the DecimalFormat pattern d (./format-number.ts). */
  format_number: { args: ["number", "placesOrPattern"], result: "string", kernel: formatNumber as StringKernel },
  /** concat_ws(sep, ...): the non-null strings (arrays' elements too) joined by sep; null only for a null sep. */
  concat_ws: { args: ["string", "text"], variadic: true, result: "string", takesNulls: true, kernel: concatWs as StringKernel },
} as const satisfies Record<string, StringFunction>;

/** The regular-expression functions (Java's syntax, translated in ./regex.ts), typed and compiled as the string functions are. */
export const REGEX_FUNCTIONS = {
  rlike: { args: ["string", "string"], result: "boolean", kernel: rlike as StringKernel },
  regexp_like: { args: ["string", "string"], result: "boolean", kernel: rlike as StringKernel },
  regexp: { args: ["string", "string"], result: "boolean", kernel: rlike as StringKernel },
  regexp_replace: { args: ["string", "string", "string", "int"], result: "string", kernel: regexpReplace as StringKernel },
  regexp_extract: { args: ["string", "string", "int"], result: "string", kernel: regexpExtract as StringKernel },
  regexp_extract_all: { args: ["string", "string", "int"], result: "array<string>", kernel: regexpExtractAll as StringKernel },
} as const satisfies Record<string, StringFunction>;

function concatWs(sep: string | null, ...parts: (string | readonly (string | null)[] | null)[]): string | null {
  if (sep === null) return null;
  const kept: string[] = [];
  for (const p of parts) {
    if (p === null) continue;
    if (typeof p === "string") kept.push(p);
    else for (const x of p) if (x !== null) kept.push(x);
  }
  return kept.join(sep);
}

/** Every function typed and compiled as a string function: the core ones, the regular expressions and the binary ones. */
export const STRING_FUNCTIONS = { ...CORE_STRING_FUNCTIONS, ...REGEX_FUNCTIONS, ...BINARY_FUNCTIONS } as const;

export type StringFn = keyof typeof STRING_FUNCTIONS;

/**
 * Whether a call works on bytes: the function has a binary form and every argument of kind
 * string is binary (the kernels count code points, which for byte strings are the bytes).
 */
export function worksOnBytes(def: StringFunction, types: readonly string[]): boolean {
  return def.bytes === true && types.every((t, i) => def.args[Math.min(i, def.args.length - 1)] !== "string" || t === "binary");
}

export function isStringFn(fn: string): fn is StringFn {
  return Object.hasOwn(STRING_FUNCTIONS, fn);
}
