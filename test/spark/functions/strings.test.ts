/**
 * The string functions (shared/plan/functions/strings.ts) against real Spark 4: nulls, "",
 * spaces, accented letters (precomposed and combining), emoji (two UTF-16 units, one code
 * point for Spark), title-case digraphs, long strings, and zero, negative and large
 * positions, lengths and counts; see test/support/spark-differential.ts for what "agree"
 * means (here: identical values and types).
 */
import { describe, expect, it } from "vitest";
import {
  ascii, base64, concat_ws, format_number, format_string, initcap, printf, instr, left, levenshtein, lit, locate, split, lpad, ltrim, overlay, repeat, reverse, right, rpad, rtrim, soundex, substring_index, translate,
  type Column,
} from "sparkfn";
import { CORE_STRING_FUNCTIONS } from "../../../shared/plan/functions/strings.ts";
import { useDifferential, type Check } from "../../support/spark-differential.ts";

const LONG = `${"abc.".repeat(300)}😀é`;
const STRINGS = [
  null, "", " ", "a", "héllo", "😀x", "x😀", "a😀b😀c", "  padded  ", "Hello World", "hello   world  foo", "ß straße", "ǆemal ǉubljana Ǳ", "ÉCOLE été",
  "e\u0301te\u0301", "x\ty", "abcabcabc", "aaa", "a.b.c.d", "www.apache.org", "Robert", "Rupert", "Tymczak", "Pfister", "Ashcraft", "1abc", "o'Neil mc-donald",
  "ÿ is ﬀ", "ǰ ŉ ᾳ ﬁ և ა ᾈ ǅ ᾀx ﬃ", "\ue000\u{1f600}\u{10ffff}", LONG,
];
const COUNTS = [null, 0, 1, 2, 5, -1, -3, 40];

/** Every string with a count, and a second string from further down the list. */
const ROWS = STRINGS.flatMap((s, i) => COUNTS.map((n, j) => [s, STRINGS[(i + j * 7 + 3) % STRINGS.length]!, n]));
const TABLE = { schema: "s STRING, t STRING, n INT", rows: ROWS };
const check = (sql: string, column: Column): Check => ({ sql, column });

describe("string functions agree with Spark", () => {
  const spark = useDifferential();

  it("lpad and rpad: repeated and cut pads, zero and negative lengths, empty pads, emoji in the string and the pad", async () => {
    const pads = [[5, "xy"], [0, "*"], [-2, "*"], [8, ""], [7, "😀é"], [1, "ab"], [3, " "]] as const;
    await spark.agree(TABLE, [
      ...pads.map(([len, p]) => check(`lpad(s, ${len}, '${p}')`, lpad("s", len, p))),
      ...pads.map(([len, p]) => check(`rpad(s, ${len}, '${p}')`, rpad("s", len, p))),
    ]);
  });

  it("ltrim and rtrim remove spaces only", async () => {
    await spark.agree(TABLE, [check("ltrim(s)", ltrim("s")), check("rtrim(s)", rtrim("s"))]);
  });

  it("instr and locate: 1-based code point positions, empty needles, start positions below 1 and past the end", async () => {
    await spark.agree(TABLE, [
      ...["l", "", "😀", "x", "é", "c", "a😀"].map((v) => check(`instr(s, '${v}')`, instr("s", v))),
      check("locate('l', s)", locate("l", "s")),
      // A null position gives 0, not null (Spark's StringLocate).
      check("locate('l', s, n)", locate("l", "s", "n")),
      check("locate('', s, n)", locate("", "s", "n")),
      ...[
        ["l", 3], ["", 5], ["", 0], ["x", 0], ["x", -1], ["b", 2], ["😀", 2], ["c", 4], ["a", 100],
      ].map(([v, p]) => check(`locate('${v}', s, ${p})`, locate(v as string, "s", p as number))),
    ]);
  });

  it("concat_ws skips nulls and flattens arrays; base64 of the UTF-8 bytes", async () => {
    await spark.agree(TABLE, [
      check("concat_ws('-', s, t)", concat_ws("-", "s", "t")),
      check("concat_ws('', s, split(t, '\\\\.'), t)", concat_ws("", "s", split("t", "\\."), "t")),
      check("concat_ws(', ', split(s, ' '))", concat_ws(", ", split("s", " "))),
      check("concat_ws('/')", concat_ws("/")),
      check("concat_ws('|', s, 'z')", concat_ws("|", "s", lit("z"))),
      check("base64(s)", base64("s")),
    ]);
  });

  it("reverse, initcap, ascii, soundex", async () => {
    await spark.agree(TABLE, [check("reverse(s)", reverse("s")), check("initcap(s)", initcap("s")), check("ascii(s)", ascii("s")), check("soundex(s)", soundex("s"))]);
  });

  it("repeat, left and right over counts from a column and literals", async () => {
    await spark.agree(TABLE, [
      check("repeat(s, n)", repeat("s", "n")),
      check("repeat(s, 3)", repeat("s", 3)),
      check("left(s, n)", left("s", "n")),
      check("right(s, n)", right("s", "n")),
      check("left(s, 2)", left("s", 2)),
      check("right(s, 2)", right("s", 2)),
    ]);
  });

  it("translate: deletions, duplicate matches, emoji", async () => {
    await spark.agree(TABLE, [
      check("translate(s, 'lé😀', 'L')", translate("s", "lé😀", "L")),
      check("translate(s, 'abc', 'xyz')", translate("s", "abc", "xyz")),
      check("translate(s, 'aa', 'xy')", translate("s", "aa", "xy")),
      check("translate(s, '', 'x')", translate("s", "", "x")),
      check("translate(s, ' ', '😀')", translate("s", " ", "😀")),
    ]);
  });

  it("substring_index: counts from the left and the right, overlapping delimiters, empty delimiters, zero", async () => {
    const cases = [[".", 2], [".", -2], ["a", 1], ["aa", -1], ["aa", 1], ["😀", 1], ["😀", -1], ["", 1], [".", 0], ["l", 100], ["l", -100], ["c", -2]] as const;
    await spark.agree(TABLE, cases.map(([d, n]) => check(`substring_index(s, '${d}', ${n})`, substring_index("s", d, n))));
  });

  it("overlay: positions and lengths from columns and literals, zero and negative", async () => {
    await spark.agree(TABLE, [
      check("overlay(s, t, n)", overlay("s", "t", "n")),
      check("overlay(s, t, n, 2)", overlay("s", "t", "n", 2)),
      check("overlay(s, t, 2, n)", overlay("s", "t", 2, "n")),
      check("overlay(s, 'XY', 2)", overlay("s", lit("XY"), 2)),
      check("overlay(s, 'XY', 2, 0)", overlay("s", lit("XY"), 2, 0)),
      check("overlay(s, '😀', -1)", overlay("s", lit("😀"), -1)),
      check("overlay(s, 'XY', 0, 1)", overlay("s", lit("XY"), 0, 1)),
    ]);
  });

  it("levenshtein: code points, with and without thresholds", async () => {
    await spark.agree(TABLE, [
      check("levenshtein(s, t)", levenshtein("s", "t")),
      check("levenshtein(s, 'hello')", levenshtein("s", lit("hello"))),
      check("levenshtein(s, t, 2)", levenshtein("s", "t", 2)),
      check("levenshtein(s, t, 0)", levenshtein("s", "t", 0)),
      check("levenshtein(s, t, -1)", levenshtein("s", "t", -1)),
      check("levenshtein(s, '😀x', 1)", levenshtein("s", lit("😀x"), 1)),
    ]);
  });

  it("format_number: half-even rounding of the exact value, groups, patterns, NaN and infinities, decimals and integers exactly", async () => {
    const doubles = [
      null, NaN, Infinity, -Infinity, -0, 0, 0.5, 1.5, 2.5, -2.5, 0.125, -0.125, 2.675, -2.675, 1.005, 0.1, 1 / 3, Math.PI, 1e-7, -0.001, 1234567.891, -9876543.21,
      1e15 + 0.5, 2 ** 53, 1e20, 1.7976931348623157e308, 5e-324, 123456789.125, 999.995, 0.045,
    ];
    const rows = doubles.map((d, i) => [d, i % 7 === 0 ? null : `${(i * 7919) % 100000}.${String((i * 31) % 10000).padStart(4, "0")}`, i * 1_000_003 - 15_000_000, i % 5 === 0 ? null : (i - 10) * 1.25]);
    const table = { schema: "d DOUBLE, dec DECIMAL(20,4), i INT, f FLOAT", rows };
    const places = [0, 1, 2, 3, 5, -1];
    const patterns = ["#,##0.00", "#.##", "000.0", "", "##,##.0", "x#.#y", ".###", "#,###"];
    await spark.agree(table, [
      ...places.map((k) => check(`format_number(d, ${k})`, format_number("d", k))),
      ...places.map((k) => check(`format_number(dec, ${k})`, format_number("dec", k))),
      check("format_number(i, 2)", format_number("i", 2)),
      check("format_number(i, 0)", format_number("i", 0)),
      check("format_number(f, 3)", format_number("f", 3)),
      ...patterns.map((p) => check(`format_number(d, '${p}')`, format_number("d", p))),
      ...patterns.slice(0, 3).map((p) => check(`format_number(dec, '${p}')`, format_number("dec", p))),
      check("format_number(d, NULL)", format_number("d", lit(null))),
    ]);
    // A string is refused, as Spark's NUMERIC input type (no implicit cast).
    await spark.agree(TABLE, [check("format_number(s, 2)", format_number("s", 2))]);
  });

  it("format_string and printf: java.util.Formatter's conversions, flags, widths and indexes over each type Spark passes it", async () => {
    const doubles = [null, 0, -0, 2.675, 0.125, 2.5, -2.25, 1e20, 1e-5, 12345.678, -9876.5, NaN, Infinity, -Infinity, 1 / 3, 1e300, 2.2250738585072014e-308, 0.05];
    const rows = doubles.map((d, i) => [
      i % 6 === 0 ? null : `s${i}é`,
      i % 5 === 0 ? null : (i - 9) * 123457,
      i % 4 === 0 ? null : (i - 9) * 98765432101,
      d,
      i % 3 === 0 ? null : Math.fround((i - 9) * 1.1),
      i % 2 === 0,
      i % 7 === 0 ? null : `${(i - 9) * 13}.${String(i * 7 % 100).padStart(2, "0")}`,
      i % 8 === 0 ? null : `2024-0${1 + (i % 9)}-1${i % 10}`,
      i % 9 === 0 ? null : i - 9,
    ]);
    const table = { schema: "s STRING, n INT, l BIGINT, d DOUBLE, f FLOAT, b BOOLEAN, dec DECIMAL(12,2), dt DATE, t TINYINT", rows };
    const formats: [string, string[]][] = [
      ["%s|%s|%s|%s|%s|%s|%s|%s", ["s", "n", "l", "d", "f", "b", "dec", "dt"]],
      ["%10s|%-8s|%.2s|%S", ["s", "n", "s", "s"]],
      ["%d %5d %-6d| %05d %+d % d %,d %(d", ["n", "n", "n", "n", "n", "n", "l", "n"]],
      ["%x %X %o %#x %#o %08x", ["n", "l", "n", "n", "l", "t"]],
      ["%f %.2f %.0f %10.3f %-12.1f| %+.1f %,.2f %(.2f %010.2f", ["d", "d", "d", "d", "d", "d", "d", "d", "d"]],
      ["%e %.3e %E %.0e %g %.3g %G", ["d", "d", "d", "d", "d", "d", "d"]],
      ["%.1f %e %s", ["f", "f", "f"]],
      ["%b %B %b %b", ["b", "b", "s", "n"]],
      ["%c%c", ["t", "n"]],
      ["%2$s/%1$s/%<s %% %n", ["s", "n"]],
      ["no specifiers", []],
      ["%d", ["d"]],
      ["%f", ["n"]],
      ["%.2f", ["dec"]],
      ["%s %s", ["s"]],
      ["%q", ["s"]],
    ];
    await spark.agree(table, [
      ...formats.map(([f, cols]) => check(`format_string('${f}'${cols.map((c) => `, ${c}`).join("")})`, format_string(f, ...cols))),
      check("printf(s, n)", printf("s", "n")),
      check("format_string(NULL, n)", printf(lit(null), "n")),
    ]);
  });

  it("null in, null out: NULL literals in every place", async () => {
    await spark.agree(TABLE, [
      check("lpad(NULL, 3, 'x')", lpad(lit(null), 3, "x")),
      check("levenshtein(s, NULL)", levenshtein("s", lit(null))),
      check("overlay(s, NULL, 1)", overlay("s", lit(null), 1)),
      check("repeat(s, NULL)", repeat("s", lit(null))),
      check("left(NULL, n)", left(lit(null), "n")),
      check("reverse(NULL)", reverse(lit(null))),
    ]);
  });

  it("refuses what Spark refuses", async () => {
    await spark.agree({ schema: "s STRING, b BOOLEAN, dt DATE, n INT", rows: [["x", true, "2024-02-29", 3]] }, [
      check("repeat(s, s)", repeat("s", "s")),
      check("left(s, b)", left("s", "b")),
      check("levenshtein(s, b)", levenshtein("s", "b")),
      // Spark casts ints and dates to strings here, and so does sparkfn (shared/plan/coercion.ts).
      check("reverse(n)", reverse("n")),
      check("ascii(dt)", ascii("dt")),
      check("lpad(n, 4, '0')", lpad("n", 4, "0")),
    ]);
  });

  it("covers every string function", () => {
    const missing = Object.keys(CORE_STRING_FUNCTIONS).filter((fn) => !spark.calls.has(fn));
    expect(missing).toEqual([]);
  });
});
