/**
 * Spark's regular expressions are java.util.regex patterns; JavaScript's RegExp is close but
 * not the same. `javaRegex` is the one place a Java pattern becomes a RegExp: it translates
 * what differs and is common (`\Q...\E` quoting, a leading `(?i)`/`(?s)`/`(?m)`, `\A` `\z`
 * `\Z`, POSIX classes such as `\p{Alpha}`, escaped punctuation JavaScript's unicode mode
 * rejects) and refuses, naming the construct, what it cannot translate faithfully (possessive
 * quantifiers, atomic groups, inline flags after the start, `\G`, comments mode). Patterns run
 * in unicode mode, so `.` and classes match code points, as Java's do.
 *
 * The functions built on it, as Spark 4's: `rlike` (a match anywhere), `regexp_replace` (every
 * match from a 1-based position on, with Java's replacement syntax: `$n`, `${name}`, `\`
 * escapes), `regexp_extract` and `regexp_extract_all` (a group of the first or of every match,
 * "" when the group took no part), and `split` (semantics.ts) uses it too.
 */
import { SparkConditionError } from "../../errors.ts";

/** A regular expression or replacement Spark refuses (or sparkfn cannot translate), with Spark's error condition. */
export class SparkRegexError extends SparkConditionError<"INVALID_PARAMETER_VALUE.PATTERN" | "INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX" | "INVALID_REGEXP_REPLACE"> {
  override readonly name = "SparkRegexError";
}

/** Characters that keep their backslash in a unicode-mode RegExp (outside a class; inside, `-` too). */
const SYNTAX = new Set("^$\\.*+?()[]{}|/");

const POSIX: Record<string, string> = {
  Lower: "a-z", Upper: "A-Z", ASCII: "\\x00-\\x7F", Alpha: "a-zA-Z", Digit: "0-9", Alnum: "a-zA-Z0-9",
  Punct: "!-\\/:-@\\[-`{-~", Graph: "!-~", Print: " -~", Blank: " \\t", Cntrl: "\\x00-\\x1F\\x7F", XDigit: "0-9a-fA-F",
  Space: " \\t\\n\\x0B\\f\\r",
};

const refuse = (pattern: string, what: string) =>
  new SparkRegexError("INVALID_PARAMETER_VALUE.PATTERN", `The regular expression ${JSON.stringify(pattern)} uses ${what}, which sparkfn cannot run yet. Rewrite the pattern without it.`);

/** The JavaScript source and flags of a Java pattern. */
export function translateJavaRegex(pattern: string): { source: string; flags: string } {
  let flags = "u";
  let i = 0;
  const leading = /^\(\?([a-z]+)\)/.exec(pattern);
  if (leading) {
    for (const f of leading[1]!) {
      if (f === "i" || f === "s" || f === "m") flags += f;
      else throw refuse(pattern, `the inline flag (?${f})`);
    }
    i = leading[0].length;
  }
  let out = "";
  let inClass = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "\\") {
      const next = pattern[i + 1];
      if (next === undefined) throw new SparkRegexError("INVALID_PARAMETER_VALUE.PATTERN", `The regular expression ${JSON.stringify(pattern)} ends with a lone backslash.`);
      if (next === "Q") {
        const end = pattern.indexOf("\\E", i + 2);
        const literal = pattern.slice(i + 2, end < 0 ? pattern.length : end);
        out += Array.from(literal, (c) => (SYNTAX.has(c) || (inClass && c === "-") ? `\\${c}` : c)).join("");
        i = end < 0 ? pattern.length : end + 2;
        continue;
      }
      if (next === "p" || next === "P") {
        const m = /^\{(\w+)\}/.exec(pattern.slice(i + 2));
        const posix = m ? POSIX[m[1]!] : undefined;
        if (m && posix !== undefined) {
          out += inClass ? (next === "p" ? posix : refuseIn(pattern)) : next === "p" ? `[${posix}]` : `[^${posix}]`;
          i += 2 + m[0].length;
          continue;
        }
        // Unicode properties (\p{L}, \p{Lu}) mean the same in both.
        out += `\\${next}`;
        i += 2;
        continue;
      }
      if (next === "A" && !inClass) {
        out += "^";
        i += 2;
        continue;
      }
      if (next === "z" && !inClass) {
        out += "$";
        i += 2;
        continue;
      }
      if (next === "Z" && !inClass) {
        out += "(?=\\n?$)";
        i += 2;
        continue;
      }
      if (next === "G") throw refuse(pattern, "\\G");
      if (/[a-zA-Z0-9]/.test(next)) {
        out += `\\${next}`;
      } else {
        // Java escapes any punctuation; unicode mode only syntax characters (and - in a class).
        out += SYNTAX.has(next) || (inClass && next === "-") ? `\\${next}` : next;
      }
      i += 2;
      continue;
    }
    if (inClass) {
      if (ch === "[") {
        if (pattern[i + 1] === ":") throw refuse(pattern, "a POSIX bracket expression ([:alpha:])");
        throw refuse(pattern, "a nested or intersected character class");
      }
      if (ch === "&" && pattern[i + 1] === "&") throw refuse(pattern, "a character class intersection (&&)");
      if (ch === "]") inClass = 0;
      out += ch;
      i++;
      continue;
    }
    if (ch === "[") {
      inClass = 1;
      out += ch;
      i++;
      // A leading ] or ^] is a literal ] in Java.
      if (pattern[i] === "^") {
        out += "^";
        i++;
      }
      if (pattern[i] === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    if (ch === "(" && pattern[i + 1] === "?") {
      const rest = pattern.slice(i + 2);
      if (rest.startsWith(">")) throw refuse(pattern, "an atomic group (?>...)");
      if (/^[a-z-]+[):]/.test(rest)) throw refuse(pattern, "inline flags inside the pattern");
    }
    if ((ch === "+" || ch === "*" || ch === "?" || ch === "}") && pattern[i + 1] === "+") throw refuse(pattern, "a possessive quantifier");
    out += ch;
    i++;
  }
  return { source: out, flags };
}

function refuseIn(pattern: string): never {
  throw refuse(pattern, "a negated POSIX class inside a character class");
}

const cache = new Map<string, RegExp>();

/** The pattern as a global RegExp (cached; callers reset lastIndex). */
export function javaRegex(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re === undefined) {
    const { source, flags } = translateJavaRegex(pattern);
    try {
      re = new RegExp(source, `${flags}g`);
    } catch (error) {
      throw new SparkRegexError("INVALID_PARAMETER_VALUE.PATTERN", `The regular expression ${JSON.stringify(pattern)} is not valid: ${(error as Error).message}`);
    }
    if (cache.size >= 1000) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/** rlike / regexp_like: does the pattern match anywhere in s. */
export function rlike(s: string, pattern: string): boolean {
  const re = javaRegex(pattern);
  re.lastIndex = 0;
  return re.test(s);
}

/** The UTF-16 offset of the (1-based) code point position `pos`; the string's end when beyond it. */
function offsetOf(s: string, pos: number): number {
  let offset = 0;
  for (let k = 1; k < pos && offset < s.length; k++) offset += (s.codePointAt(offset)! > 0xffff ? 2 : 1);
  return offset;
}

type Piece = string | number | { name: string };

/** Java's Matcher.appendReplacement syntax: `$n` (the longest group number that exists), `${name}`, `\x` a literal x. */
function parseReplacement(replacement: string, groups: number, names: ReadonlySet<string>): Piece[] {
  const pieces: Piece[] = [];
  let text = "";
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i]!;
    if (ch === "\\") {
      if (i + 1 >= replacement.length) throw new SparkRegexError("INVALID_PARAMETER_VALUE.PATTERN", `The replacement ${JSON.stringify(replacement)} ends with a lone backslash (character to be escaped is missing).`);
      text += replacement[++i];
      continue;
    }
    if (ch !== "$") {
      text += ch;
      continue;
    }
    if (replacement[i + 1] === "{") {
      const end = replacement.indexOf("}", i + 2);
      const name = end < 0 ? "" : replacement.slice(i + 2, end);
      if (!names.has(name)) throw new SparkRegexError("INVALID_PARAMETER_VALUE.PATTERN", `The replacement ${JSON.stringify(replacement)} names the group ${JSON.stringify(name)}, which the pattern does not have.`);
      pieces.push(text, { name });
      text = "";
      i = end;
      continue;
    }
    const first = replacement[i + 1];
    if (first === undefined || !/[0-9]/.test(first)) throw new SparkRegexError("INVALID_PARAMETER_VALUE.PATTERN", `The replacement ${JSON.stringify(replacement)} has a $ not followed by a group number or {name}. Write \\$ for a literal $.`);
    let group = Number(first);
    if (group > groups) throw new SparkRegexError("INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX", `The replacement ${JSON.stringify(replacement)} refers to group ${group}, but the pattern has ${groups}.`);
    i++;
    while (i + 1 < replacement.length && /[0-9]/.test(replacement[i + 1]!) && group * 10 + Number(replacement[i + 1]) <= groups) group = group * 10 + Number(replacement[++i]);
    pieces.push(text, group);
    text = "";
  }
  pieces.push(text);
  return pieces;
}

/** A pattern's groups: how many, and their names (found once per RegExp by matching "" against `pattern|`). */
const groupsCache = new WeakMap<RegExp, { count: number; names: ReadonlySet<string> }>();
function groupsOf(re: RegExp): { count: number; names: ReadonlySet<string> } {
  let groups = groupsCache.get(re);
  if (groups === undefined) {
    const m = new RegExp(`${re.source}|`, re.flags).exec("")!;
    groups = { count: m.length - 1, names: new Set(Object.keys(m.groups ?? {})) };
    groupsCache.set(re, groups);
  }
  return groups;
}

/**
 * regexp_replace(s, pattern, replacement, position = 1): every match at or after the position
 * replaced. As in Spark, the replacement is read only when something matches: a bad one fails
 * that row alone.
 */
export function regexpReplace(s: string, pattern: string, replacement: string, position = 1): string {
  if (position < 1) throw new SparkRegexError("INVALID_PARAMETER_VALUE.PATTERN", `regexp_replace(): the position ${position} must be at least 1.`);
  const re = javaRegex(pattern);
  const from = offsetOf(s, position);
  if (from >= s.length && position > 1) return s;
  let pieces: Piece[] | undefined;
  const parse = () => {
    try {
      const { count, names } = groupsOf(re);
      return parseReplacement(replacement, count, names);
    } catch (error) {
      throw new SparkRegexError(
        "INVALID_REGEXP_REPLACE",
        `Could not perform regexp_replace for source = ${JSON.stringify(s)}, pattern = ${JSON.stringify(pattern)}, replacement = ${JSON.stringify(replacement)} and position = ${position}: ${(error as Error).message.replace(/^\[[A-Z_.]+\] /, "")}`,
      );
    }
  };
  re.lastIndex = 0;
  const tail = s.slice(from).replace(re, (...args: unknown[]) => {
    pieces ??= parse();
    const hasNames = typeof args[args.length - 1] === "object";
    const named = (hasNames ? args[args.length - 1] : {}) as Record<string, string | undefined>;
    return pieces.map((p) => (typeof p === "string" ? p : typeof p === "number" ? ((args[p] as string | undefined) ?? "") : (named[p.name] ?? ""))).join("");
  });
  return s.slice(0, from) + tail;
}

function checkGroup(re: RegExp, pattern: string, index: number, fn: string): void {
  const groups = groupsOf(re).count;
  if (index < 0 || index > groups) {
    throw new SparkRegexError("INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX", `${fn}(): the group index ${index} is out of range: ${JSON.stringify(pattern)} has ${groups} group(s); use 0 for the whole match or 1 to ${groups}.`);
  }
}

/** regexp_extract(s, pattern, index = 1): that group of the first match; "" when nothing (or the group) matched. The index is checked on a match, as Spark does. */
export function regexpExtract(s: string, pattern: string, index = 1): string {
  const re = javaRegex(pattern);
  re.lastIndex = 0;
  const m = re.exec(s);
  if (m === null) return "";
  checkGroup(re, pattern, index, "regexp_extract");
  return m[index] ?? "";
}

/** regexp_extract_all(s, pattern, index = 1): that group of every match, in order. */
export function regexpExtractAll(s: string, pattern: string, index = 1): string[] {
  const re = javaRegex(pattern);
  const out: string[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    if (out.length === 0) checkGroup(re, pattern, index, "regexp_extract_all");
    out.push(m[index] ?? "");
    if (m[0] === "") re.lastIndex += s.codePointAt(m.index)! > 0xffff ? 2 : 1;
  }
  return out;
}
