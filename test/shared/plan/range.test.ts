import { describe, expect, it } from "vitest";
import { rangeProblem } from "../../../shared/plan/range.ts";

describe("the range rule", () => {
  it("accepts whole-number ranges up and down, empty ones included", () => {
    expect([rangeProblem(0, 10, 1), rangeProblem(10, 0, -3), rangeProblem(5, 5, 1), rangeProblem(0, 10, -1)]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it.each([
    // With start above end, a 0 step counted forever on the executor.
    [10, 0, 0, "step cannot be 0"],
    [0, 10, 0, "step cannot be 0"],
    [0, 1, 0.25, "step must be a whole number"],
    [0.5, 3, 1, "start must be a whole number"],
    [0, Number.POSITIVE_INFINITY, 1, "end must be a whole number"],
    [0, 2 ** 60, 1, "end must be a whole number"],
    [0, 10, Number.NaN, "step must be a whole number"],
  ])("refuses range(%s, %s, %s): %s", (start, end, step, problem) => {
    expect(rangeProblem(start, end, step)).toContain(problem);
  });
});
