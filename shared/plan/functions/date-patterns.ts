/**
 * Spark's datetime patterns (`yyyy-MM-dd`, `dd/MM/yy HH:mm:ss`, `EEE, d MMM yyyy h a`...) for
 * dates and wall-clock times: formatting (date_format; a date is midnight) and parsing (to_date,
 * to_timestamp with a format), as Spark 3+ does with java.time's DateTimeFormatter in strict
 * mode, case-insensitive, with Spark's own checks on top. Time zones are applied by the caller
 * (timestamp-patterns.ts): this module sees days and microseconds of a day.
 *
 * Letters: G (era), y (year), M and L (month: 1, 01, Jan, January), d (day of month), D (day of
 * year), E (day of week: Fri, Friday; formatting only), Q and q (quarter; formatting only),
 * a (AM/PM), h H k K (hours), m (minutes), s (seconds), S (fraction), text in 'quotes'
 * ('' is a quote). A pattern Spark refuses fails with Spark's error class (week-based letters
 * Y w W u e c, too many letters, letters Spark never took); the letters Spark takes that
 * sparkfn does not implement yet (time zones z Z X x O V v, F, g, optional sections [ ])
 * fail with UNSUPPORTED_DATETIME_PATTERN naming the letter.
 */
import { civilFromDays, dayOfYear, daysFromCivil, daysInMonth, DateTimePatternError, isLeapYear, isoDayOfWeek, SparkDateTimeError } from "./calendar.ts";

type Token = { readonly kind: "literal"; readonly text: string; readonly quoted?: true } | { readonly kind: "field"; readonly letter: string; readonly count: number };

/** What SimpleDateFormat (Spark 2's formatter) takes: a pattern it takes but Spark 3+ refuses is DATETIME_PATTERN_RECOGNITION. */
const LEGACY_LETTERS = "GyYMLwWDdFEuaHkKhmsSzZX";
const WEEK_BASED = "YWwuec";
const SPARK_REFUSED = "AnNpB";
const NOT_PARSED = "EFqQ";
/** Letters java.time knows (others are "Unknown pattern letter"). */
const JAVA_LETTERS = "GuyDMLdQqYwWEecFahKkHmsSAnNVvzOXxZpgB";
/** The most letters of one kind Spark takes. */
const MAX_COUNT: Record<string, number> = { G: 4, y: 6, M: 4, L: 4, d: 2, D: 3, E: 4, Q: 4, q: 4, a: 1, h: 2, H: 2, k: 2, K: 2, m: 2, s: 2, S: 9 };
/** Letters Spark takes that sparkfn does not implement yet, and what they are. */
const NOT_IMPLEMENTED: Record<string, string> = {
  z: "time-zone name", Z: "zone offset", X: "zone offset", x: "zone offset", O: "localized zone offset", V: "time-zone id", v: "generic time-zone name",
  F: "aligned day of week in month", g: "modified Julian day", "[": "optional section",
};

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const QUARTERS = ["1st quarter", "2nd quarter", "3rd quarter", "4th quarter"];

const isLetter = (c: string) => (c >= "A" && c <= "Z") || (c >= "a" && c <= "z");

/** Splits a pattern as java.time reads it: runs of one letter, quoted text, other characters. */
function tokenize(pattern: string, fail: (errorClass: string | null, why: string) => never): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (isLetter(c)) {
      let j = i;
      while (j < pattern.length && pattern[j] === c) j++;
      out.push({ kind: "field", letter: c, count: j - i });
      i = j;
    } else if (c === "'") {
      let j = i + 1;
      let text = "";
      for (;;) {
        if (j >= pattern.length) fail(null, `Pattern ends with an incomplete string literal: ${pattern}`);
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j++];
      }
      out.push(j === i + 1 ? { kind: "literal", text: "'" } : { kind: "literal", text, quoted: true });
      i = j + 1;
    } else {
      out.push(c === "[" ? { kind: "field", letter: c, count: 1 } : { kind: "literal", text: c });
      i++;
    }
  }
  return out;
}

/** Letters outside quotes, as Spark's checks see them. */
function unquotedLetters(pattern: string): string {
  return pattern
    .split("'")
    .filter((_, i) => i % 2 === 0)
    .join("");
}

/** The tokens of a pattern, or the error Spark (or sparkfn) gives for it. */
function compile(pattern: string, parsing: boolean): Token[] {
  const bare = unquotedLetters(pattern);
  const legacyOk = pattern.split("'").length % 2 === 1 && [...bare].every((c) => !isLetter(c) || LEGACY_LETTERS.includes(c));
  const fail = (errorClass: string | null, why: string): never => {
    const cls = legacyOk ? "INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION" : (errorClass ?? "INVALID_DATETIME_PATTERN");
    throw new DateTimePatternError(cls, `Cannot use the datetime pattern '${pattern}': ${why}. See https://spark.apache.org/docs/latest/sql-ref-datetime-pattern.html for the letters Spark 3+ takes.`);
  };
  for (const c of bare) {
    if (WEEK_BASED.includes(c)) fail("INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_WEEK_BASED_PATTERN", `week-based pattern letter '${c}' is unsupported since Spark 3.0; use weekofyear() or dayofweek() instead`);
  }
  for (const c of bare) {
    if (SPARK_REFUSED.includes(c) || (parsing && NOT_PARSED.includes(c))) {
      fail("INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER", `illegal pattern character '${c}'${parsing && NOT_PARSED.includes(c) ? " when parsing (it is for formatting only)" : ""}`);
    }
  }
  const tokens = tokenize(pattern, fail);
  let optional = false;
  for (const t of tokens) {
    if (t.kind === "literal") {
      const reserved = t.text === "#" || t.text === "{" || t.text === "}" || (t.text === "]" && !optional);
      if (reserved && !t.quoted) fail(null, `'${t.text}' is a reserved character; quote it ('${t.text}') to print it`);
      continue;
    }
    if (t.letter === "[") optional = true;
    if (t.letter !== "[" && !JAVA_LETTERS.includes(t.letter)) fail(null, `unknown pattern letter '${t.letter}'; quote text ('${t.letter}') to print it`);
    const max = MAX_COUNT[t.letter];
    if (max !== undefined && t.count > max) fail("INVALID_DATETIME_PATTERN.LENGTH", `too many pattern letters '${t.letter.repeat(t.count)}' (at most ${max})`);
  }
  for (const t of tokens) {
    if (t.kind === "field" && t.letter in NOT_IMPLEMENTED) {
      throw new DateTimePatternError(
        "UNSUPPORTED_DATETIME_PATTERN",
        `sparkfn does not support the datetime pattern letter '${t.letter}' (${NOT_IMPLEMENTED[t.letter]}) in '${pattern}' yet. Remove it, or quote it ('${t.letter}') to print it as text; times are read and shown in spark.sql.session.timeZone.`,
      );
    }
  }
  return tokens;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Formats one field of a wall-clock time: a date (days) and microseconds into that day (tod). */
function formatField(letter: string, count: number, y: number, m: number, d: number, days: number, tod: number): string {
  const hour = Math.floor(tod / 3_600_000_000);
  switch (letter) {
    case "G":
      return count === 4 ? "Anno Domini" : "AD";
    case "y":
      // yyyy and longer: java.time's EXCEEDS_PAD sign, "+" on a year wider than the letters.
      return count === 2 ? pad(y % 100, 2) : count >= 4 && y >= 10 ** count ? `+${y}` : pad(y, count);
    case "M":
    case "L":
      return count >= 3 ? (count === 3 ? MONTHS[m - 1]!.slice(0, 3) : MONTHS[m - 1]!) : pad(m, count);
    case "d":
      return pad(d, count);
    case "D":
      return pad(dayOfYear(days), count);
    case "E": {
      const name = DAYS[isoDayOfWeek(days) - 1]!;
      return count === 4 ? name : name.slice(0, 3);
    }
    case "Q":
    case "q": {
      const q = Math.floor((m - 1) / 3) + 1;
      return count === 3 ? `Q${q}` : count === 4 ? QUARTERS[q - 1]! : pad(q, count);
    }
    case "a":
      return hour < 12 ? "AM" : "PM";
    case "h":
      return pad(hour % 12 || 12, count);
    case "k":
      return pad(hour || 24, count);
    case "H":
      return pad(hour, count);
    case "K":
      return pad(hour % 12, count);
    case "m":
      return pad(Math.floor(tod / 60_000_000) % 60, count);
    case "s":
      return pad(Math.floor(tod / 1_000_000) % 60, count);
    case "S": // the first `count` digits of the nanoseconds
      return String((tod % 1_000_000) * 1000).padStart(9, "0").slice(0, count).padEnd(count, "0");
    default:
      throw new Error(`formatField: no rule for pattern letter '${letter}'`);
  }
}

const CACHE_LIMIT = 256;
const formatters = new Map<string, (days: number, tod?: number) => string>();
const parsers = new Map<string, (text: string) => WallClock>();

/** A parsed wall-clock time: days since 1970-01-01 and microseconds into the day. */
export interface WallClock {
  readonly days: number;
  readonly micros: number;
}

function cached<F>(cache: Map<string, F>, pattern: string, build: () => F): F {
  let f = cache.get(pattern);
  if (f === undefined) {
    f = build();
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, f);
  }
  return f;
}

/** date_format: the date (days since 1970-01-01) in the pattern. */
export function formatDate(days: number, pattern: string): string {
  return formatterOf(pattern)(days);
}

/** The formatter of a pattern (checked, or the error Spark gives for it): a date (days), at `tod` microseconds into it (default midnight). */
export function formatterOf(pattern: string): (days: number, tod?: number) => string {
  return cached(formatters, pattern, () => {
    const tokens = compile(pattern, false);
    return (n: number, tod = 0) => {
      const [y, m, d] = civilFromDays(n);
      let out = "";
      for (const t of tokens) out += t.kind === "literal" ? t.text : formatField(t.letter, t.count, y, m, d, n, tod);
      return out;
    };
  });
}

// ---- parsing ---------------------------------------------------------------------------

type Sign = "normal" | "exceedsPad" | "notNegative";
type Field = "year" | "yearReduced" | "month" | "day" | "dayOfYear" | "H" | "k" | "K" | "h" | "m" | "s";
type Element =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "number"; readonly field: Field; readonly min: number; readonly max: number; readonly sign: Sign; subsequent: number }
  | { readonly kind: "text"; readonly field: "month" | "era" | "ampm"; readonly names: readonly (readonly [string, number])[] }
  | { readonly kind: "fraction"; readonly max: number };

const NUMBER_FIELD: Record<string, Field> = { y: "year", M: "month", L: "month", d: "day", D: "dayOfYear", H: "H", k: "k", K: "K", h: "h", m: "m", s: "s" };
const RANGES: Record<Exclude<Field, "year" | "yearReduced">, readonly [number, number, string]> = {
  month: [1, 12, "MonthOfYear"], day: [1, 31, "DayOfMonth"], dayOfYear: [1, 366, "DayOfYear"],
  H: [0, 23, "HourOfDay"], k: [1, 24, "ClockHourOfDay"], K: [0, 11, "HourOfAmPm"], h: [1, 12, "ClockHourOfAmPm"], m: [0, 59, "MinuteOfHour"], s: [0, 59, "SecondOfMinute"],
};

/** java.time's number parser for a letter and count (before adjacent-value parsing). */
function numberElement(letter: string, count: number): Element {
  const field = NUMBER_FIELD[letter]!;
  const fixed = (w: number): Element => ({ kind: "number", field, min: w, max: w, sign: "notNegative", subsequent: 0 });
  if (letter === "y") {
    if (count === 2) return { kind: "number", field: "yearReduced", min: 2, max: 2, sign: "notNegative", subsequent: 0 };
    return { kind: "number", field, min: count, max: 19, sign: count >= 4 ? "exceedsPad" : "normal", subsequent: 0 };
  }
  if (count === 1) return { kind: "number", field, min: 1, max: 19, sign: "normal", subsequent: 0 };
  if (letter === "D" && count === 2) return { kind: "number", field, min: 2, max: 3, sign: "notNegative", subsequent: 0 };
  return fixed(count);
}

const isFixed = (e: Element) => e.kind === "number" && e.min === e.max && e.sign === "notNegative";

/** The parse elements, with java.time's adjacent value parsing: "yyyyMMdd" reserves 4 digits after the year. */
function parseElements(tokens: readonly Token[]): Element[] {
  const out: Element[] = [];
  let active = -1;
  for (const t of tokens) {
    let e: Element;
    if (t.kind === "literal") e = { kind: "literal", text: t.text };
    else if ((t.letter === "M" || t.letter === "L") && t.count >= 3) {
      e = { kind: "text", field: "month", names: MONTHS.map((n, i) => [t.count === 3 ? n.slice(0, 3) : n, i + 1] as const) };
    } else if (t.letter === "G") e = { kind: "text", field: "era", names: t.count === 4 ? [["Anno Domini", 1], ["Before Christ", 0]] : [["AD", 1], ["BC", 0]] };
    else if (t.letter === "a") e = { kind: "text", field: "ampm", names: [["AM", 0], ["PM", 1]] };
    else if (t.letter === "S") e = { kind: "fraction", max: t.count };
    else e = numberElement(t.letter, t.count);
    if (e.kind !== "number") {
      out.push(e);
      active = -1;
      continue;
    }
    const base = active >= 0 ? (out[active] as Extract<Element, { kind: "number" }>) : undefined;
    if (base && isFixed(e)) {
      base.subsequent += e.max;
      out.push(e);
    } else {
      if (base) base.subsequent = 0;
      active = out.push(e) - 1;
    }
  }
  return out;
}

const sameChar = (a: string, b: string) => a === b || a.toUpperCase() === b.toUpperCase() || a.toLowerCase() === b.toLowerCase();

/** to_date(text, pattern): the date's days, or CANNOT_PARSE_TIMESTAMP naming the text. */
export function parseDate(text: string, pattern: string): number {
  return parserOf(pattern)(text).days;
}

/** The parser of a pattern (checked, or the error Spark gives for it): the wall-clock time a text names. */
export function parserOf(pattern: string): (text: string) => WallClock {
  return cached(parsers, pattern, () => {
    const elements = parseElements(compile(pattern, true));
    return (s: string) => {
      const fields = scan(s, elements, pattern);
      return { days: resolve(fields, s, pattern), micros: timeOfDay(fields) };
    };
  });
}

/**
 * The time of the parsed fields, as Spark's DateTimeFormatterHelper.toLocalTime: H or k, else
 * h or K with a (AM without it), else 12 for a bare PM; missing minutes, seconds, fraction 0.
 */
function timeOfDay(fields: Map<string, number>): number {
  const ampm = fields.get("ampm");
  const H = fields.get("H") ?? (fields.has("k") ? fields.get("k")! % 24 : undefined);
  const ofAmPm = fields.has("h") ? fields.get("h")! % 12 : fields.get("K");
  const hour = H ?? (ofAmPm !== undefined ? ofAmPm + (ampm === 1 ? 12 : 0) : ampm === 1 ? 12 : 0);
  return ((hour * 60 + (fields.get("m") ?? 0)) * 60 + (fields.get("s") ?? 0)) * 1_000_000 + (fields.get("fraction") ?? 0);
}

function cannotParse(text: string, pattern: string, why: string): never {
  throw new SparkDateTimeError(
    "CANNOT_PARSE_TIMESTAMP",
    `Text '${text}' could not be parsed with the pattern '${pattern}': ${why}. Correct the text or the pattern, or filter out such rows first.`,
  );
}

function scan(s: string, elements: readonly Element[], pattern: string): Map<string, number> {
  const fields = new Map<string, number>();
  let pos = 0;
  const fail = (why: string): never => cannotParse(s, pattern, `${why} at index ${pos}`);
  for (const e of elements) {
    switch (e.kind) {
      case "literal":
        for (const ch of e.text) {
          if (pos >= s.length || !sameChar(s[pos]!, ch)) fail(`expected '${e.text}'`);
          pos++;
        }
        break;
      case "text": {
        const hit = [...e.names].sort((a, b) => b[0].length - a[0].length).find(([name]) => s.slice(pos, pos + name.length).toUpperCase() === name.toUpperCase());
        if (!hit) fail(`expected one of ${e.names.map(([n]) => n).join(", ")}`);
        fields.set(e.field, hit![1]);
        pos += hit![0].length;
        break;
      }
      case "fraction": {
        let n = 0;
        while (n < e.max && pos + n < s.length && s.charCodeAt(pos + n) >= 48 && s.charCodeAt(pos + n) <= 57) n++;
        if (n === 0) fail("expected a fraction of a second");
        fields.set("fraction", Number(s.slice(pos, pos + Math.min(n, 6)).padEnd(6, "0")));
        pos += n;
        break;
      }
      case "number": {
        const c = s[pos];
        let negative = false;
        if (c === "+" || c === "-") {
          const ok = e.sign === "exceedsPad" || (e.sign === "normal" && c === "-");
          if (!ok) fail(`unexpected sign '${c}'`);
          negative = c === "-";
          pos++;
        }
        let avail = 0;
        const limit = e.max + e.subsequent;
        while (avail < limit && pos + avail < s.length && s.charCodeAt(pos + avail) >= 48 && s.charCodeAt(pos + avail) <= 57) avail++;
        if (avail < e.min) fail(`expected ${e.min === e.max ? e.min : `at least ${e.min}`} digit(s)`);
        // Adjacent value parsing: leave the digits of the fixed-width fields that follow.
        const digits = e.subsequent > 0 ? Math.max(e.min, avail - e.subsequent) : avail;
        if (e.sign === "exceedsPad" && !negative) {
          const plus = c === "+";
          if (plus ? digits <= e.min : digits > e.min) fail(plus ? "a '+' needs more digits than the pattern's width" : "too many digits for the pattern's width without a '+'");
        }
        const value = Number(s.slice(pos, pos + digits)) * (negative ? -1 : 1);
        if (negative && value === 0) fail("minus zero");
        pos += digits;
        if (e.field === "yearReduced") fields.set("year", 2000 + value);
        else {
          if (e.field !== "year") {
            const [lo, hi, name] = RANGES[e.field];
            if (value < lo || value > hi) cannotParse(s, pattern, `Invalid value for ${name} (valid values ${lo} - ${hi}): ${value}`);
          }
          fields.set(e.field, value);
        }
        break;
      }
    }
  }
  if (pos < s.length) cannotParse(s, pattern, `unparsed text found at index ${pos}`);
  return fields;
}

/** The date of the parsed fields, as Spark resolves them: missing year 1970, month and day 1; a day of year must agree with month and day. */
function resolve(fields: Map<string, number>, s: string, pattern: string): number {
  let year = fields.get("year") ?? 1970;
  if (fields.get("era") === 0) year = 1 - year;
  if (Math.abs(year) > 999999999) cannotParse(s, pattern, `Invalid value for Year: ${year}`);
  const doy = fields.get("dayOfYear");
  if (doy !== undefined) {
    if (doy === 366 && !isLeapYear(year)) cannotParse(s, pattern, `Invalid date 'DayOfYear 366' as '${year}' is not a leap year`);
    const days = daysFromCivil(year, 1, 1) + doy - 1;
    const [, m, d] = civilFromDays(days);
    if ((fields.get("month") ?? m) !== m || (fields.get("day") ?? d) !== d) cannotParse(s, pattern, `the day of year ${doy} is not the month and day given`);
    return days;
  }
  const month = fields.get("month") ?? 1;
  const day = fields.get("day") ?? 1;
  if (day > daysInMonth(year, month)) cannotParse(s, pattern, `Invalid date '${MONTHS[month - 1]!.toUpperCase()} ${day}'`);
  return daysFromCivil(year, month, day);
}
