/**
 * The regular-expression functions (shared/plan/functions/regex.ts: Java patterns translated
 * to JavaScript) against real Spark 4: digit and word classes, groups
 * (numbered, named, optional ones that take no part), anchors, alternation, case-insensitive
 * and quoted patterns, POSIX classes, empty patterns and empty matches, emoji (one code point),
 * Java replacement syntax ($n, ${name}, escaped $), positions, group indexes out of range and
 * invalid patterns (the same error class on both sides); see test/support/spark-differential.ts.
 */
import { describe, expect, it } from "vitest";
import { col, regexp, regexp_extract, regexp_extract_all, regexp_like, regexp_replace, rlike, split, type Column } from "sparkfn";
import { REGEX_FUNCTIONS } from "../../../shared/plan/functions/strings.ts";
import { useDifferential, type Check } from "../../support/spark-differential.ts";

const STRINGS = [null, "", "abc", "hello world", "foo@bar.com x@y.com", "a1b22c333", "HeLLo", "a.b a.b", "😀x😀", "tab\there", "line1\nline2", "aaa", "ÉCOLE été"];
const ROWS = STRINGS.map((s, i) => [s, STRINGS[(i + 5) % STRINGS.length]!, i % 4 === 0 ? null : "p,,q"]);
const TABLE = { schema: "s STRING, t STRING, csv STRING", rows: ROWS };

/** A Spark SQL string literal (backslashes and quotes escaped). */
const sql = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const check = (text: string, column: Column): Check => ({ sql: text, column });

const PATTERNS = [
  "\\d+", "(\\w+)@(\\w+)\\.com", "^a", "a|b", "[aeiou]", "(?i)hello", "\\Qa.b\\E", "\\p{Alpha}+", "\\s+", "", ".", "😀", "(a)(b)?",
  "(?<first>\\w)(\\d)", "\\bfoo\\b", "x*", "[^a-z]", "l{2}", "\\.", "(\\d)(\\d)?", "\\p{Upper}", "é",
];

describe("regular expressions agree with Spark", () => {
  const spark = useDifferential();

  it("rlike, regexp_like and regexp: a match anywhere", async () => {
    await spark.agree(TABLE, [
      ...PATTERNS.map((p) => check(`rlike(s, ${sql(p)})`, rlike("s", p))),
      check("regexp_like(s, 'l+')", regexp_like("s", "l+")),
      check("regexp(s, '^h')", regexp("s", "^h")),
      check("s RLIKE 'b'", col("s").rlike("b")),
    ]);
  });

  it("regexp_replace: group references, named groups, escaped $, empty matches, positions", async () => {
    // Group references only where the pattern has groups; a missing group fails a matching row (the invalid test has one).
    const replacements = ["X", "[$0]", "\\$", "<$1$2>", ""];
    await spark.agree(TABLE, [
      ...PATTERNS.flatMap((p) => replacements.filter((r) => !/\$[12]/.test(r) || /\((?!\?)|\(\?</.test(p)).map((r) => check(`regexp_replace(s, ${sql(p)}, ${sql(r)})`, regexp_replace("s", p, r)))),
      check("regexp_replace(s, '(\\\\d)', '$2')", regexp_replace("s", "(\\d)", "$2")),
      ...[1, 2, 5, 100].map((pos) => check(`regexp_replace(s, '[a-z]', '_', ${pos})`, regexp_replace("s", "[a-z]", "_", pos))),
    ]);
  });

  it("regexp_extract and regexp_extract_all: groups that take no part, index 0, indexes out of range", async () => {
    const grouped = PATTERNS.filter((p) => /\((?!\?i)/.test(p));
    await spark.agree(TABLE, [
      ...PATTERNS.map((p) => check(`regexp_extract(s, ${sql(p)}, 0)`, regexp_extract("s", p, 0))),
      ...grouped.flatMap((p) => [1, 2].map((g) => check(`regexp_extract(s, ${sql(p)}, ${g})`, regexp_extract("s", p, g)))),
      check("regexp_extract(s, '(\\\\d)', 3)", regexp_extract("s", "(\\d)", 3)),
      ...PATTERNS.map((p) => check(`regexp_extract_all(s, ${sql(p)}, 0)`, regexp_extract_all("s", p, 0))),
      ...grouped.map((p) => check(`regexp_extract_all(s, ${sql(p)}, 1)`, regexp_extract_all("s", p, 1))),
    ]);
  });

  it("invalid patterns fail as in Spark", async () => {
    await spark.agree(TABLE, [
      check("rlike(s, '(')", rlike("s", "(")),
      check("regexp_replace(s, '[a-', 'x')", regexp_replace("s", "[a-", "x")),
      check("regexp_replace(s, 'a', '$')", regexp_replace("s", "a", "$")),
    ]);
  });

  it("split by a pattern", async () => {
    await spark.agree(TABLE, [check("split(s, '\\\\s+')", split("s", "\\s+")), check("split(s, '[.@]')", split("s", "[.@]"))]);
  });

  it("covers every regular-expression function", () => {
    const missing = Object.keys(REGEX_FUNCTIONS).filter((fn) => !spark.calls.has(fn));
    expect(missing).toEqual([]);
  });
});
