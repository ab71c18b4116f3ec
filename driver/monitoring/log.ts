/**
 * The driver's log: Spark's levels, plain text on a terminal and one JSON object per line
 * otherwise (CI logs, a driver running in Lambda, where the JSON log format is friendliest).
 * `sc.setLogLevel()` sets the level (default WARN, as Spark's console default).
 */
export const LOG_LEVELS = ["ALL", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

let threshold: LogLevel = "WARN";

export function setLogLevel(level: LogLevel): void {
  if (!LOG_LEVELS.includes(level)) throw new Error(`Unknown log level "${level}": use ${LOG_LEVELS.join(", ")}.`);
  threshold = level;
}

export function logLevel(): LogLevel {
  return threshold;
}

const rank = (level: LogLevel) => LOG_LEVELS.indexOf(level);

export function log(level: Exclude<LogLevel, "ALL" | "OFF">, message: string, fields: Record<string, unknown> = {}, stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): void {
  if (threshold === "OFF" || rank(level) < rank(threshold)) return;
  if (stream.isTTY) {
    const extra = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
    stream.write(`${new Date().toISOString()} ${level} ${message}${extra.length ? ` (${extra.join(", ")})` : ""}\n`);
  } else {
    stream.write(JSON.stringify({ timestamp: new Date().toISOString(), level, message, ...fields }) + "\n");
  }
}
