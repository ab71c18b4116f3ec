/**
 * The planner is a pure function: these tests plan without running anything and compare
 * the text rendering that explain() prints.
 */
import { describe, expect, it } from "vitest";
import { binary, column, literal, type Expr, type WindowSpec } from "../../../shared/plan/expr.ts";
import { aggregate, filter, type LogicalPlan } from "../../../shared/plan/logical.ts";
import { explainLogical, explainStages } from "../../../driver/planner/explain.ts";
import { optimize } from "../../../driver/planner/optimizer/index.ts";
import { planStages } from "../../../driver/planner/physical-planner.ts";

const scan: LogicalPlan = {
  kind: "scan",
  source: {
    format: "csv",
    files: [0, 1, 2, 3].map((i) => ({ uri: `s3://b/tx/part-${i}.csv`, size: 100 })),
    schema: {
      fields: [
        { name: "id", type: "int", nullable: true },
        { name: "category", type: "string", nullable: true },
        { name: "amount", type: "double", nullable: true },
        { name: "note", type: "string", nullable: true },
      ],
    },
    options: { header: true, mode: "PERMISSIVE", corruptColumn: null },
    multiLine: false,
    partitionColumns: [],
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
        "Stage 1 (result, 8 tasks, adaptive) <- Stage 0",
        "  HashAggregate(final) keys=[category] functions=[sum(amount)]",
        "    +- ShuffleRead shuffle=0",
        "Stage 0 (shuffle map, 1 task)",
        "  Exchange hashpartitioning(category, 8) shuffle=0",
        "    +- HashAggregate(partial) keys=[category] functions=[sum(amount)]",
        "      +- Filter (amount > 1000)",
        "        +- Scan csv [category, amount]",
      ].join("\n"),
    );
    expect(graph.schema.fields.map((f) => f.name)).toEqual(["category", "sum(amount)"]);
  });

  it("drops the columns of a projection that nothing above reads, then reads only what is left", () => {
    // What a using-join leaves: a projection of every column, under an aggregate of two.
    const all = { kind: "project", input: scan, exprs: ["id", "category", "amount", "note"].map(column) } as LogicalPlan;
    const plan = aggregate(all, [column("category")], [{ kind: "agg", fn: "sum", arg: column("amount") }]);
    // The projection, pruned to what the scan reads, then changes nothing and goes (RemoveNoopProjects).
    expect(explainLogical(optimize(plan))).toBe(["Aggregate [category] [sum(amount)]", "  +- Scan csv 4 file(s) [category, amount]"].join("\n"));
    // count(*) reads no column: the projection kept one, then went; the scan reads none (rows are counted as a plain count() counts them).
    const counted = aggregate(all, [], [{ kind: "agg", fn: "count", arg: null }]);
    expect(explainLogical(optimize(counted))).toBe(["Aggregate [] [count(1)]", "  +- Scan csv 4 file(s) []"].join("\n"));
  });

  it("combines adjacent filters and folds constants", () => {
    const plan = filter(filter(scan, binary("gt", column("amount"), binary("multiply", literal(10), literal(100)))), binary("lt", column("id"), literal(5)));
    expect(explainLogical(optimize(plan))).toBe("Scan csv 4 file(s) [id, category, amount, note] PushedFilters: [((amount > 1000) AND (id < 5))]");
  });

  it("collects a final limit without an exchange, but exchanges a limit that feeds more work", () => {
    const range: LogicalPlan = { kind: "range", start: 0, end: 10, step: 1, numPartitions: 3 };
    const final = planStages({ kind: "limit", input: range, n: 3 }, { shufflePartitions: 4 });
    expect(explainStages(final)).toBe(["CollectLimit 3 (partitions are tried a few at a time)", "Stage 0 (result, 3 tasks)", "  Limit 3", "    +- Range"].join("\n"));
    const inner = planStages({ kind: "project", input: { kind: "limit", input: range, n: 3 }, exprs: [column("id")] }, { shufflePartitions: 4 });
    expect(inner.stages.length).toBe(2);
    expect(inner.collectLimit).toBeUndefined();
  });

  it("skips an offset's rows in one partition, each partition keeping limit + offset rows first under a limit", () => {
    const range: LogicalPlan = { kind: "range", start: 0, end: 10, step: 1, numPartitions: 3 };
    const exchanged = (top: string[]) => [...top, "Stage 0 (shuffle map, 3 tasks)", "  Exchange SinglePartition shuffle=0"];
    expect(explainStages(planStages({ kind: "offset", input: range, n: 2 }, { shufflePartitions: 4 }))).toBe(
      [...exchanged(["Stage 1 (result, 1 task) <- Stage 0", "  Offset 2", "    +- ShuffleRead shuffle=0"]), "    +- Range"].join("\n"),
    );
    expect(explainStages(planStages({ kind: "limit", input: { kind: "offset", input: range, n: 2 }, n: 3 }, { shufflePartitions: 4 }))).toBe(
      [
        "CollectLimit 3 (partitions are tried a few at a time)",
        ...exchanged(["Stage 1 (result, 1 task) <- Stage 0", "  Limit 3", "    +- Offset 2", "      +- ShuffleRead shuffle=0"]),
        "    +- Limit 5",
        "      +- Range",
      ].join("\n"),
    );
  });
});

describe("sorting", () => {
  const range: LogicalPlan = { kind: "range", start: 0, end: 10, step: 1, numPartitions: 3 };
  const orders = [{ expr: column("id"), ascending: false, nullsFirst: false }];

  it("range-partitions on the sort keys, then sorts each range", () => {
    expect(explainStages(planStages({ kind: "sort", input: range, orders }, { shufflePartitions: 4 }))).toBe(
      [
        "Stage 1 (result, 4 tasks, adaptive) <- Stage 0",
        "  Sort [id DESC NULLS LAST]",
        "    +- ShuffleRead shuffle=0",
        "Stage 0 (shuffle map, 3 tasks)",
        "  Exchange rangepartitioning(id DESC NULLS LAST, 4) (bounds sampled at run time) shuffle=0",
        "    +- Range",
      ].join("\n"),
    );
  });

  it("sorts a single partition where it is, with no exchange", () => {
    const one: LogicalPlan = { ...range, numPartitions: 1 } as LogicalPlan;
    expect(explainStages(planStages({ kind: "sort", input: one, orders }, { shufflePartitions: 4 }))).toBe(
      ["Stage 0 (result, 1 task)", "  Sort [id DESC NULLS LAST]", "    +- Range"].join("\n"),
    );
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

describe("joins", () => {
  const codes: LogicalPlan = {
    kind: "localRelation",
    schema: { fields: [{ name: "code", type: "string", nullable: true }, { name: "label", type: "string", nullable: true }] },
    rows: [],
    numPartitions: 2,
  };

  it("co-partitions both sides on the keys and pushes one-sided filters below the join", async () => {
    const { join } = await import("../../../shared/plan/logical.ts");
    const joined = join(scan, codes, "inner", [column("category")], [column("code")], null);
    const plan = filter(joined, binary("and", binary("gt", column("amount"), literal(10)), binary("ne", column("label"), literal("x"))));
    const graph = planStages(optimize(plan), { shufflePartitions: 6 });
    expect(explainStages(graph)).toBe(
      [
        "Stage 2 (result, 6 tasks, adaptive) <- Stages 0, 1",
        "  ShuffledHashJoin inner [category = code] shuffles=0,1",
        "Stage 1 (shuffle map, 2 tasks)",
        "  Exchange hashpartitioning(code, 6) shuffle=1",
        "    +- Filter (label != x)",
        "      +- LocalTableScan",
        "Stage 0 (shuffle map, 1 task)",
        "  Exchange hashpartitioning(category, 6) shuffle=0",
        "    +- Filter (amount > 10)",
        "      +- Scan csv [id, category, amount, note]",
      ].join("\n"),
    );
  });

  it("broadcasts the smaller side under spark.sql.autoBroadcastJoinThreshold, without shuffling the other", async () => {
    const { join } = await import("../../../shared/plan/logical.ts");
    const joined = join(scan, codes, "inner", [column("category")], [column("code")], null);
    const graph = planStages(optimize(joined), { shufflePartitions: 6, autoBroadcastJoinThreshold: 10 * 1024 * 1024 });
    expect(explainStages(graph)).toBe(
      [
        "Stage 1 (result, 1 task), broadcast from Stage 0",
        "  BroadcastHashJoin inner BuildRight [category = code] broadcast=0",
        "    +- Scan csv [id, category, amount, note]",
        "Stage 0 (shuffle map, 2 tasks)",
        "  Exchange SinglePartition shuffle=0",
        "    +- LocalTableScan",
      ].join("\n"),
    );
    // Under a threshold smaller than both sides, or with -1, both sides are shuffled.
    expect(explainStages(planStages(optimize(joined), { shufflePartitions: 6, autoBroadcastJoinThreshold: 1 }))).toMatch(/ShuffledHashJoin/);
    // A hint on the left side of a right join builds on the left.
    const hinted = join({ kind: "hint", input: scan, hint: "broadcast" }, codes, "right", [column("category")], [column("code")], null);
    expect(explainStages(planStages(optimize(hinted), { shufflePartitions: 6 }))).toMatch(/BroadcastHashJoin right BuildLeft \[category = code\]/);
    // A full outer join is never broadcast, even when hinted.
    const full = join(scan, { kind: "hint", input: codes, hint: "broadcast" }, "full", [column("category")], [column("code")], null);
    expect(explainStages(planStages(optimize(full), { shufflePartitions: 6 }))).toMatch(/ShuffledHashJoin full/);
  });

  it("keeps a filter on the padded side of an outer join above the join", async () => {
    const { join } = await import("../../../shared/plan/logical.ts");
    // label IS NULL keeps the padded rows: it must see them, above the join.
    const plan = filter(join(scan, codes, "left", [column("category")], [column("code")], null), { kind: "unary", op: "isNull", expr: column("label") });
    expect(explainLogical(optimize(plan)).split("\n").slice(0, 2)).toEqual(["Filter (label IS NULL)", "  +- Join left [category = code]"]);
    // label = x rejects every padded row (null = x is null): the join is an inner one (Spark's EliminateOuterJoin), the filter on its right side.
    const rejecting = filter(join(scan, codes, "left", [column("category")], [column("code")], null), binary("eq", column("label"), literal("x")));
    const lines = explainLogical(optimize(rejecting)).split("\n").map((l) => l.trim());
    expect(lines[0]).toBe("Join inner [category = code]");
    expect(lines).toContain("+- Filter (label = x)");
  });
});

describe("CollapseProject", () => {
  const rows: LogicalPlan = { kind: "range", start: 0, end: 10, step: 1, numPartitions: 2 };
  it("merges adjacent projections, keeping output names", async () => {
    const { project } = await import("../../../shared/plan/logical.ts");
    const { alias } = await import("../../../shared/plan/expr.ts");
    const inner = project(rows, [column("id"), alias(binary("multiply", column("id"), literal(2)), "twice")]);
    const outer = project(inner, [column("twice"), alias(binary("add", column("twice"), column("id")), "sum")]);
    expect(explainLogical(optimize(outer))).toBe(["Project [twice, sum]", "  +- Range (0, 10, step=1, splits=2)"].join("\n"));
    const merged = optimize(outer) as Extract<LogicalPlan, { kind: "project" }>;
    expect(merged.exprs[1]).toEqual(alias(binary("add", binary("multiply", column("id"), literal(2)), column("id")), "sum"));
  });

  it("does not copy rand() into two places", async () => {
    const { project } = await import("../../../shared/plan/logical.ts");
    const { alias } = await import("../../../shared/plan/expr.ts");
    const inner = project(rows, [alias({ kind: "rand", seed: 1 }, "r")]);
    const outer = project(inner, [alias(binary("add", column("r"), column("r")), "double_r")]);
    expect(optimize(outer)).toEqual(outer);
  });
});

describe("window specs", () => {
  it("share an exchange per PARTITION BY, and a sort when one's ORDER BY extends the other's", async () => {
    const { projectWithWindows } = await import("../../../driver/planner/windows.ts");
    const spec = (orderBy: string[], partitionBy = ["category"]): WindowSpec => ({
      partitionBy: partitionBy.map(column),
      orderBy: orderBy.map((name) => ({ expr: column(name), ascending: true, nullsFirst: true })),
      frame: null,
    });
    const rowNumber = (s: WindowSpec): Expr => ({ kind: "window", fn: "row_number", args: [], spec: s });
    const plan = projectWithWindows(scan, [
      column("id"),
      { kind: "alias", expr: rowNumber(spec(["amount"])), name: "a" },
      { kind: "alias", expr: rowNumber(spec(["amount", "id"])), name: "b" },
      { kind: "alias", expr: { kind: "window", fn: "aggregate", args: [{ kind: "agg", fn: "sum", arg: column("amount") }], spec: spec([]) }, name: "c" },
      { kind: "alias", expr: rowNumber(spec(["id"], ["note"])), name: "d" },
    ]);
    const text = explainStages(planStages(optimize(plan), { shufflePartitions: 4 } as Parameters<typeof planStages>[1]));
    // Two exchanges (category, note) and two sorts: (category, amount, id) serves the specs
    // ordered by (amount) and unordered too; (note, id) is its own.
    expect(text.match(/Exchange hashpartitioning/g)?.length).toBe(2);
    expect(text.match(/Sort \[/g)?.length).toBe(2);
    expect(text.match(/Window \[/g)?.length).toBe(4);
  });
});
