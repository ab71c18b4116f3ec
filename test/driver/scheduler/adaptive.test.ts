import { describe, expect, it } from "vitest";
import { planReduceTasks, type AdaptiveOptions } from "../../../driver/scheduler/adaptive.ts";

const options: AdaptiveOptions = { advisoryBytes: 100, coalesce: true, skewJoin: true, skewFactor: 5, skewThresholdBytes: 50 };
const parts = (...ranges: [number, number][]) => ranges.map(([from, to]) => ({ kind: "partitions", from, to }));

describe("adaptive reduce tasks", () => {
  it("merges neighbouring partitions up to the advisory size, never reordering them", () => {
    // Two map outputs; partition totals: 30, 30, 30, 90, 10, 0, 0, 120.
    const left = [
      [10, 20, 15, 45, 5, 0, 0, 60],
      [20, 10, 15, 45, 5, 0, 0, 60],
    ];
    expect(planReduceTasks(8, { left }, options)).toEqual(parts([0, 3], [3, 7], [7, 8]));
  });

  it("keeps one task per partition when coalescing is off", () => {
    expect(planReduceTasks(3, { left: [[1, 1, 1]] }, { ...options, coalesce: false })).toEqual(parts([0, 1], [1, 2], [2, 3]));
  });

  it("splits a skewed join partition by map outputs, on a side that may be split", () => {
    // Partition 1 of the left side is skewed: 4 maps x 60 bytes = 240 > 5 x median (10) and > 50.
    const left = [0, 1, 2, 3].map(() => [5, 60, 5, 5]);
    const right = [0, 1].map(() => [5, 5, 5, 5]);
    const specs = planReduceTasks(4, { left, right, how: "inner" }, { ...options, coalesce: false });
    expect(specs).toEqual([
      ...parts([0, 1]),
      { kind: "skewSlice", partition: 1, side: "left", maps: [0] },
      { kind: "skewSlice", partition: 1, side: "left", maps: [1] },
      { kind: "skewSlice", partition: 1, side: "left", maps: [2] },
      { kind: "skewSlice", partition: 1, side: "left", maps: [3] },
      ...parts([2, 3], [3, 4]),
    ]);
    // Every map output of the skewed side is read exactly once.
    expect(specs.flatMap((s) => (s.kind === "skewSlice" ? s.maps : [])).sort()).toEqual([0, 1, 2, 3]);
  });

  it("does not split the side whose unmatched rows an outer join must emit once", () => {
    const left = [0, 1, 2, 3].map(() => [5, 60, 5, 5]);
    const right = [0, 1].map(() => [5, 5, 5, 5]);
    for (const how of ["right", "full"] as const) {
      expect(planReduceTasks(4, { left, right, how }, { ...options, coalesce: false }).every((s) => s.kind === "partitions")).toBe(true);
    }
    // The right side of a right join may be split instead.
    const specs = planReduceTasks(4, { left: right, right: left, how: "right" }, { ...options, coalesce: false });
    expect(specs.filter((s) => s.kind === "skewSlice").map((s) => s.kind === "skewSlice" && s.side)).toEqual(["right", "right", "right", "right"]);
  });

  it("leaves partitions below the skew threshold alone, however uneven", () => {
    const left = [[1, 40, 1, 1]];
    const right = [[1, 1, 1, 1]];
    expect(planReduceTasks(4, { left, right, how: "inner" }, { ...options, coalesce: false }).length).toBe(4);
  });
});
