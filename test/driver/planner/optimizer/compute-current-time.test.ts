/**
 * ComputeCurrentTime: every clock call of a query reads one instant, taken once per planning,
 * in every node and every task; current_date() is that instant's date in the session time zone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, current_date, current_timestamp, hour, now, SparkSession, unix_timestamp } from "sparkfn";
import { computeCurrentTime } from "../../../../driver/planner/optimizer/compute-current-time.ts";
import type { LogicalPlan } from "../../../../shared/plan/logical.ts";
import type { Expr } from "../../../../shared/plan/expr.ts";

const call = (fn: "current_timestamp" | "now" | "current_date" | "unix_timestamp"): Expr => ({ kind: "call", fn, args: [] });

describe("ComputeCurrentTime", () => {
  it("replaces each clock call by one literal instant, read once, keeping the call's name; other calls stay", () => {
    let reads = 0;
    const rule = computeCurrentTime(() => (reads++, 1_709_814_896_500_000));
    const range: LogicalPlan = { kind: "range", start: 0, end: 10, step: 1, numPartitions: 2 };
    const plan: LogicalPlan = {
      kind: "project",
      input: { kind: "filter", input: range, condition: { kind: "binary", op: "lt", left: call("now"), right: call("current_timestamp") } },
      exprs: [call("current_timestamp"), call("current_date"), call("unix_timestamp"), { kind: "call", fn: "hour", args: [call("now")] }, { kind: "call", fn: "upper", args: [{ kind: "literal", value: "x", type: "string" }] }],
    };
    const { plan: out, changed } = rule.rewrite(plan);
    expect(changed).toBe(true);
    expect(reads).toBe(1);
    const ts: Expr = { kind: "literal", value: 1_709_814_896_500_000, type: "timestamp" };
    expect(out).toEqual({
      kind: "project",
      input: { kind: "filter", input: range, condition: { kind: "binary", op: "lt", left: { kind: "alias", expr: ts, name: "now()" }, right: { kind: "alias", expr: ts, name: "current_timestamp()" } } },
      exprs: [
        { kind: "alias", expr: ts, name: "current_timestamp()" },
        { kind: "alias", expr: { kind: "cast", expr: ts, to: "date" }, name: "current_date()" },
        { kind: "alias", expr: { kind: "literal", value: 1_709_814_896, type: "long" }, name: "unix_timestamp()" },
        { kind: "call", fn: "hour", args: [{ kind: "alias", expr: ts, name: "now()" }] },
        { kind: "call", fn: "upper", args: [{ kind: "literal", value: "x", type: "string" }] },
      ],
    });
    expect(rule.rewrite(range)).toEqual({ plan: range, changed: false });
  });

  describe("in a job", () => {
    let spark: SparkSession;
    beforeAll(async () => {
      // +14:00 all year: today there is often tomorrow in UTC.
      spark = await SparkSession.builder().master("local[2]").config("spark.sql.session.timeZone", "Pacific/Kiritimati").getOrCreate();
    });
    afterAll(() => spark.stop());

    it("gives every row of every task the same instant, within the job's time, and today in the session time zone", async () => {
      const before = Date.now();
      const rows = await spark.range(0, 20_000, 1, 4).select(col("id"), current_timestamp().alias("ts"), now().alias("n"), current_date().alias("d"), hour(current_timestamp()).alias("h"), unix_timestamp().alias("u")).collect();
      const after = Date.now();
      const instants = new Set(rows.flatMap((r) => [(r.ts as Date).getTime(), (r.n as Date).getTime()]));
      expect(instants.size).toBe(1);
      const [ms] = [...instants] as [number];
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after);
      const kiritimati = new Date(ms + 14 * 3_600_000);
      expect(new Set(rows.map((r) => r.d))).toEqual(new Set([kiritimati.toISOString().slice(0, 10)]));
      expect(new Set(rows.map((r) => r.h))).toEqual(new Set([kiritimati.getUTCHours()]));
      expect(new Set(rows.map((r) => r.u))).toEqual(new Set([Math.floor(ms / 1000)]));
    });
  });
});
