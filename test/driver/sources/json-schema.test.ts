/**
 * JSON lines schema inference (driver/sources/json.ts) with nested values, against the rules
 * of Spark's JsonInferSchema written out here: an object is a struct of its keys sorted by
 * name, an array an array of its elements' merged type, an empty array array<string>, types
 * that do not merge a string; top-level columns stay in first-seen order (sparkfn's choice).
 */
import { describe, expect, it } from "vitest";
import { inferJsonSchema } from "../../../driver/sources/json.ts";

const infer = (...records: unknown[]) => inferJsonSchema(records.map((r) => JSON.stringify(r)).join("\n")).fields.map((f) => [f.name, f.type]);

describe("JSON schema inference of nested values", () => {
  it("objects are structs with fields sorted by name, merged across records", () => {
    expect(infer({ user: { name: "a", age: 3 } }, { user: { zip: "z", age: 4.5 } }, { user: null })).toEqual([["user", "struct<age:double,name:string,zip:string>"]]);
  });

  it("arrays take their elements' merged type; empty arrays and all-null ones are array<string>", () => {
    expect(infer({ a: [1, 2], b: [], c: [null], d: [[1], [2.5]] }, { a: [3000000000], b: [], c: [], d: [[]] })).toEqual([
      ["a", "array<long>"],
      ["b", "array<string>"],
      ["c", "array<string>"],
      ["d", "array<array<double>>"],
    ]);
  });

  it("values no one type holds are strings: an object beside a number, an array beside a string", () => {
    expect(infer({ x: { a: 1 }, y: [1] }, { x: 5, y: "s" })).toEqual([["x", "string"], ["y", "string"]]);
    expect(infer({ z: [{ a: 1 }, { b: "x" }] })).toEqual([["z", "array<struct<a:int,b:string>>"]]);
  });
});
