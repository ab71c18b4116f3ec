import { describe, expect, it } from "vitest";
import { DEFAULT_PRICES, estimateCost, formatCost } from "../../../driver/monitoring/cost-estimate.ts";
import type { SparkfnEvent } from "../../../driver/monitoring/events.ts";
import { emptyTaskMetrics } from "../../../shared/task.ts";

const metrics = (put: number, get: number) => ({ ...emptyTaskMetrics(), requests: { get, put, list: 1, head: 1, delete: 0 } });
const end = (durationMs: number, status: "success" | "failed", put = 0, get = 0): SparkfnEvent => ({
  v: 1, time: 0, event: "TaskEnd", jobId: 0, stageId: 0, partition: 0, attempt: 0, speculative: false, status, durationMs, willRetry: false,
  ...(status === "success" ? { metrics: metrics(put, get) } : { errorType: "Internal" as const, error: "x" }),
});

describe("cost estimate", () => {
  it("prices GB-seconds, invocations and S3 requests from the table", () => {
    // Two successful attempts of 1.5 s and 0.5 s and one failed attempt of 1 s, at 2048 MiB:
    // 3 s x 2 GB = 6 GB-s; 3 invocations; PUT class 4 + 2 LIST = 6; GET class 10 + 2 HEAD = 12.
    const events = [end(1500, "success", 3, 7), end(500, "success", 1, 3), end(1000, "failed")];
    const cost = estimateCost(events, 2048);
    expect(cost.invocations).toBe(3);
    expect(cost.gbSeconds).toBeCloseTo(6, 10);
    expect(cost.s3Puts).toBe(6);
    expect(cost.s3Gets).toBe(12);
    const lambda = 6 * 0.0000166667 + 3 * 0.0000002;
    const s3 = 6 * 0.000005 + 12 * 0.0000004;
    expect(cost.lambdaUsd).toBeCloseTo(lambda, 12);
    expect(cost.s3Usd).toBeCloseTo(s3, 12);
    expect(cost.totalUsd).toBeCloseTo(lambda + s3, 12);
  });

  it("takes another price table, and says when it estimates a run made elsewhere", () => {
    const cost = estimateCost([end(1000, "success", 1000, 0)], 1024, { ...DEFAULT_PRICES, lambdaPerGbSecond: 1, s3PerPut: 0.01 });
    expect(cost.lambdaUsd).toBeCloseTo(1 + 0.0000002, 9);
    expect(cost.s3Usd).toBeCloseTo(1001 * 0.01 + 1 * 0.0000004, 9);
    expect(formatCost(cost, false)).toMatch(/^Estimated cost of the same run on AWS \(Lambda \+ S3, us-east-1 list prices\): \$\d+\.\d{4} — 1\.00 GB-s and 1 invocation\(s\)/);
    expect(formatCost(cost, true)).toMatch(/^Estimated cost \(Lambda/);
  });
});
