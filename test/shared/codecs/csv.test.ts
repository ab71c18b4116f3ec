import { describe, expect, it } from "vitest";
import { CsvSyntaxError, parseCsv } from "../../../shared/codecs/csv.ts";
import { seededRandom } from "../../../examples/data/transactions.ts";

function records(text: string): [string[], number][] {
  const out: [string[], number][] = [];
  parseCsv(text, (fields, line) => {
    out.push([fields, line]);
  });
  return out;
}

describe("parseCsv", () => {
  it("splits plain records and reports the line each starts on", () => {
    expect(records("a,b\n1,2\n3,4")).toEqual([
      [["a", "b"], 1],
      [["1", "2"], 2],
      [["3", "4"], 3],
    ]);
  });

  it("handles CRLF, a BOM, blank lines and a trailing newline", () => {
    expect(records("\uFEFFa,b\r\n\r\n1,2\r\n\n3,4\n")).toEqual([
      [["a", "b"], 1],
      [["1", "2"], 3],
      [["3", "4"], 5],
    ]);
  });

  it("keeps empty fields, including a trailing one", () => {
    expect(records(",x,\n,,")).toEqual([
      [["", "x", ""], 1],
      [["", "", ""], 2],
    ]);
  });

  it("reads quoted fields with commas, doubled quotes and newlines, counting physical lines", () => {
    const text = 'id,note\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,""\n';
    expect(records(text)).toEqual([
      [["id", "note"], 1],
      [["1", "a, b"], 2],
      [["2", 'say "hi"'], 3],
      [["3", "two\nlines"], 4],
      [["4", ""], 6],
    ]);
  });

  it("stops when the callback returns false", () => {
    const seen: string[] = [];
    parseCsv("a\nb\nc\n", (fields) => {
      seen.push(fields[0]!);
      return seen.length < 2 ? undefined : false;
    });
    expect(seen).toEqual(["a", "b"]);
  });

  it("names the line of an unterminated quote", () => {
    expect(() => records('a,b\n1,2\n3,"open\n4,5\n')).toThrowError(CsvSyntaxError);
    try {
      records('a,b\n1,2\n3,"open\n4,5\n');
    } catch (error) {
      expect((error as CsvSyntaxError).line).toBe(3);
      expect((error as Error).message).toContain("line 3");
    }
  });

  it("rejects text after a closing quote, naming the line", () => {
    expect(() => records('a\n"x"y\n')).toThrowError(/line 2/);
  });

  it("round-trips random fields written by an independent RFC 4180 encoder", () => {
    const random = seededRandom(7);
    const alphabet = ["a", "b", ",", '"', "\n", " ", "é", "1"];
    const field = () =>
      Array.from({ length: Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
    const encode = (f: string) => (/[",\n\r]/.test(f) || f === "" ? `"${f.replaceAll('"', '""')}"` : f);
    const rows = Array.from({ length: 300 }, () => Array.from({ length: 3 }, field));
    const text = rows.map((r) => r.map(encode).join(",")).join("\r\n") + "\r\n";
    expect(records(text).map(([fields]) => fields)).toEqual(rows);
  });
});
