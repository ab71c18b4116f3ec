import { describe, expect, it } from "vitest";
import { formatLogLine } from "../../executor-fn/log.ts";

describe("executor log lines", () => {
  const task = { appId: "app-1", stageId: 2, partition: 5, attempt: 1 };

  it("are JSON with the timestamp, level, message and the task's ids", () => {
    const line = JSON.parse(formatLogLine("ERROR", "task failed", task, { error: "boom" })!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: "ERROR", message: "task failed", appId: "app-1", stageId: 2, partition: 5, attempt: 1, error: "boom" });
    expect(Number.isNaN(Date.parse(line.timestamp as string))).toBe(false);
  });

  it("follow the driver's level: WARN by default, INFO after sc.setLogLevel('INFO'), nothing when OFF", () => {
    expect(formatLogLine("INFO", "task started", task)).toBeUndefined();
    expect(formatLogLine("INFO", "task started", { ...task, logLevel: "INFO" })).toContain('"task started"');
    expect(formatLogLine("ERROR", "x", { ...task, logLevel: "OFF" })).toBeUndefined();
  });
});
