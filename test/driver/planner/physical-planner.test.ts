/**
 * The planner is a pure function: these tests plan without running anything and compare
 * the text rendering that explain() prints.
 */
import { describe, expect, it } from "vitest";
import { binary, column, literal } from "../../../shared/plan/expr.ts";
import { aggregate, filter, type LogicalPlan } from "../../../shared/plan/logical.ts";
import { explainLogical, explainStages } from "../../../driver/planner/explain.ts";
import { optimize } from "../../../driver/planner/optimizer/index.ts";
import { planStages } from "../../../driver/planner/physical-planner.ts";

const scan: LogicalPlan = {
  kind: "scan",
  source: {
    format: "csv",
    files: [0, 1, 2, 3].map((i) => ({ uri: `s3://b/tx/part-${i}.csv`, size: 100 })),
    header: true,
    schema: {
      fields: [
        { name: "id", type: "int", nullable: true },
        { name: "category", type: "string", nullable: true },
        { name: "amount", type: "double", nullable: true },
        { name: "note", type: "string", nullable: true },
      ],
    },
  },
  columns: null,
  pushedFilters: [],
};

// df.filter(df["amount"] > 1000).groupBy("category").sum("amount")
const seed = aggregate(filter(scan, binary("gt", column("amount"), literal(1000))), [column("category")], [{ kind: "agg", fn: "sum", arg: column("amount") }]);

describe("physical planning of the seed example", () => {
  it("pushes the filter into the scan and reads only the columns used", () => {
    expect(explainLogical(optimize(seed))).toBe(
      ["Aggregate [category] [sum(amount)]", "  +- Scan csv 4 file(s) [category, amount] PushedFilters: [(amount > 1000)]"].join("\n"),
    );
  });

  it("plans two stages: a partial aggregate before the shuffle, the final one after", () => {
    const graph = planStages(optimize(seed), { shufflePartitions: 8 });
    expect(graph.stages.length).toBe(2);
    expect(explainStages(graph)).toBe(
      [
        "Stage 1 (result, 8 tasks) <- Stage 0",
        "  HashAggregate(final) keys=[category] functions=[sum(amount)]",
        "    +- ShuffleRead shuffle=0",
        "Stage 0 (shuffle map, 4 tasks)",
        "  Exchange hashpartitioning(category, 8) shuffle=0",
        "    +- HashAggregate(partial) keys=[category] functions=[sum(amount)]",
        "      +- Filter (amount > 1000)",
        "        +- Scan csv [category, amount]",
      ].join("\n"),
    );
    expect(graph.schema.fields.map((f) => f.name)).toEqual(["category", "sum(amount)"]);
  });

  it("combines adjacent filters and folds constants", () => {
    const plan = filter(filter(scan, binary("gt", column("amount"), binary("multiply", literal(10), literal(100)))), binary("lt", column("id"), literal(5)));
    expect(explainLogical(optimize(plan))).toBe("Scan csv 4 file(s) [id, category, amount, note] PushedFilters: [((amount > 1000) AND (id < 5))]");
  });

  it("needs no exchange for a limit over a single partition, and one for many", () => {
    const one: LogicalPlan = { kind: "range", start: 0, end: 10, step: 1, numPartitions: 1 };
    expect(planStages({ kind: "limit", input: one, n: 3 }, { shufflePartitions: 4 }).stages.length).toBe(1);
    expect(planStages({ kind: "limit", input: { ...one, numPartitions: 3 }, n: 3 }, { shufflePartitions: 4 }).stages.length).toBe(2);
  });
});

describe("limit over a range", () => {
  it("generates only the ids the limit keeps", () => {
    const huge: LogicalPlan = { kind: "limit", input: { kind: "range", start: 0, end: 1_000_000_000, step: 1, numPartitions: 8 }, n: 1000 };
    expect(explainLogical(optimize(huge))).toBe(["Limit 1000", "  +- Range (0, 1000, step=1, splits=8)"].join("\n"));
    const small: LogicalPlan = { kind: "limit", input: { kind: "range", start: 0, end: 5, step: 1, numPartitions: 2 }, n: 10 };
    expect(optimize(small)).toEqual(small);
  });
});
