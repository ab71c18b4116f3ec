import { describe, expect, it } from "vitest";
import { parsePredicate } from "../../../driver/jobs/parse-predicate.ts";

describe("parsePredicate", () => {
  it.each([
    ["amount > 1000", { column: "amount", op: "gt", value: 1000 }],
    ["amount>=1.5", { column: "amount", op: "ge", value: 1.5 }],
    ["  n <> -3 ", { column: "n", op: "ne", value: -3 }],
    ["category = 'Books'", { column: "category", op: "eq", value: "Books" }],
    ['category == "1000"', { column: "category", op: "eq", value: "1000" }],
    ["category != Toys", { column: "category", op: "ne", value: "Toys" }],
  ])("reads %j", (text, expected) => {
    expect(parsePredicate(text)).toEqual(expected);
  });

  it.each(["amount", "> 3", "amount ~ 3", "process.exit(1)"])("rejects %j with the expected form", (text) => {
    expect(() => parsePredicate(text)).toThrowError(/expected "<column> <op> <value>"/);
  });
});
