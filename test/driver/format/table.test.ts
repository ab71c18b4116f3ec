import { expect, it } from "vitest";
import { formatTable } from "../../../driver/format/table.ts";

it("renders a Spark-style table: right-aligned values, null, columns at least 3 wide", () => {
  expect(formatTable(["category", "n"], [["Books", 12], [null, 3]])).toBe(
    ["+--------+---+", "|category|  n|", "+--------+---+", "|   Books| 12|", "|    null|  3|", "+--------+---+"].join("\n"),
  );
});
