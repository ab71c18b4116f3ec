/** RemoveNoopProjects: a projection that changes nothing goes; one that renames, reorders or drops stays. */
import { describe, expect, it } from "vitest";
import { alias, column } from "../../../../shared/plan/expr.ts";
import type { LogicalPlan } from "../../../../shared/plan/logical.ts";
import { parseDdlSchema } from "../../../../shared/plan/types.ts";
import { removeNoopProjects } from "../../../../driver/planner/optimizer/remove-noop-projects.ts";

const input: LogicalPlan = { kind: "localRelation", schema: parseDdlSchema("a INT, b STRING"), rows: [], numPartitions: 1 };
const project = (...exprs: ReturnType<typeof column>[]): LogicalPlan => ({ kind: "project", input, exprs });

describe("RemoveNoopProjects", () => {
  it("removes a projection of every column as it is, in order", () => {
    expect(removeNoopProjects.rewrite(project(column("a"), column("b")))).toEqual({ plan: input, changed: true });
  });
  it("keeps one that reorders, drops or renames", () => {
    for (const p of [project(column("b"), column("a")), project(column("a")), project(column("a"), alias(column("b"), "c"))]) {
      expect(removeNoopProjects.rewrite(p)).toEqual({ plan: p, changed: false });
    }
  });
});
