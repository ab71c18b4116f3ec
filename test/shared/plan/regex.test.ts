/**
 * Java patterns as sparkfn runs them (shared/plan/functions/regex.ts), for what the Spark
 * differential test cannot reach through SQL text (`${name}` is SQL variable substitution
 * there) and for the constructs sparkfn refuses; expected values written from java.util.regex's
 * documentation.
 */
import { describe, expect, it } from "vitest";
import { regexpExtract, regexpExtractAll, regexpReplace, rlike, translateJavaRegex } from "../../../shared/plan/functions/regex.ts";

describe("Java patterns", () => {
  it("translates quoting, leading flags, anchors, POSIX classes and escaped punctuation", () => {
    expect(rlike("a.b", "\\Qa.b\\E")).toBe(true);
    expect(rlike("axb", "\\Qa.b\\E")).toBe(false);
    expect(rlike("say HELLO", "(?i)hello")).toBe(true);
    expect(rlike("abc", "^\\p{Alpha}+$")).toBe(true);
    expect(rlike("é", "\\p{Alpha}")).toBe(false); // ASCII only, as Java's
    expect(rlike("a-b", "a\\-b")).toBe(true);
    expect(rlike("x_y", "x\\_y")).toBe(true);
    expect(rlike("ab\n", "b\\Z")).toBe(true);
    expect(rlike("ab\n", "b\\z")).toBe(false);
    expect(rlike("ab", "\\Aa")).toBe(true);
    expect(rlike("]", "[]a]")).toBe(true);
    expect(rlike("😀", "^.$")).toBe(true); // one code point
  });

  it("refuses what it cannot translate faithfully, naming it", () => {
    expect(() => translateJavaRegex("a*+")).toThrow(/possessive quantifier/);
    expect(() => translateJavaRegex("(?>a|ab)c")).toThrow(/atomic group/);
    expect(() => translateJavaRegex("a(?i)b")).toThrow(/inline flags inside the pattern/);
    expect(() => translateJavaRegex("(?x)a b")).toThrow(/inline flag \(\?x\)/);
    expect(() => translateJavaRegex("[a-z&&[^aeiou]]")).toThrow(/intersect/);
    expect(() => rlike("a", "(")).toThrow(/^\[INVALID_PARAMETER_VALUE\.PATTERN\] .*"\("/);
  });
});

describe("regexp_replace, regexp_extract, regexp_extract_all", () => {
  it("replaces with $n, ${name} and escapes, from a position on", () => {
    expect(regexpReplace("a1b22", "(?<letter>[a-z])(\\d+)", "${letter}=$2;")).toBe("a=1;b=22;");
    expect(regexpReplace("a1", "([a-z])(\\d)", "\\$1 costs \\$")).toBe("$1 costs $");
    expect(() => regexpReplace("a1", "a", "$$")).toThrow(/not followed by a group number/);
    expect(regexpReplace("aaa", "a", "b", 2)).toBe("abb");
    expect(regexpReplace("aaa", "a", "b", 9)).toBe("aaa");
    expect(regexpReplace("x😀a", "a", "b", 3)).toBe("x😀b"); // positions count code points
  });

  it("reads the replacement and the group index only when something matches", () => {
    expect(regexpReplace("xyz", "a", "$7")).toBe("xyz");
    expect(() => regexpReplace("abc", "a", "$7")).toThrow(/^\[INVALID_REGEXP_REPLACE\] /);
    expect(regexpExtract("xyz", "(\\d)", 3)).toBe("");
    expect(() => regexpExtract("x1", "(\\d)", 3)).toThrow(/^\[INVALID_PARAMETER_VALUE\.REGEX_GROUP_INDEX\] /);
    expect(regexpExtract("x1", "(\\d)|(y)", 2)).toBe(""); // the group took no part
    expect(regexpExtractAll("a1b2c", "([a-z])(\\d)?", 2)).toEqual(["1", "2", ""]);
  });
});
