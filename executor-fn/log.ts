/**
 * The executor's log lines: one JSON object each (the shape of Lambda's JSON log format:
 * timestamp, level, message), always with the app id, stage, partition and attempt, so a
 * task's lines can be found in CloudWatch among thousands. The level comes with the task
 * (the driver's sc.setLogLevel), WARN by default.
 */
import type { StageTask } from "../shared/task.ts";

const LEVELS = ["ALL", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"] as const;
type Level = "DEBUG" | "INFO" | "WARN" | "ERROR";

export type TaskIds = Partial<Pick<StageTask, "appId" | "stageId" | "partition" | "attempt" | "logLevel">>;

export function formatLogLine(level: Level, message: string, task: TaskIds, fields: Record<string, unknown> = {}): string | undefined {
  const threshold = task.logLevel ?? "WARN";
  if (threshold === "OFF" || LEVELS.indexOf(level) < LEVELS.indexOf(threshold)) return undefined;
  const ids = { appId: task.appId, stageId: task.stageId, partition: task.partition, attempt: task.attempt };
  return JSON.stringify({ timestamp: new Date().toISOString(), level, message, ...ids, ...fields });
}

export function logTask(level: Level, message: string, task: TaskIds, fields: Record<string, unknown> = {}): void {
  const line = formatLogLine(level, message, task, fields);
  if (line !== undefined) console.error(line);
}
