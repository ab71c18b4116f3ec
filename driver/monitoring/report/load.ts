/**
 * Reads an event log (a local path, file:// URI or s3:// URI, through the routing object
 * store) and validates each line against the versioned schema in ../events.ts. Lines that do
 * not parse are counted and reported, not fatal: a log cut short by a crash still renders.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { RoutingObjectStore } from "../../../shared/storage/routing-store.ts";
import { SparkfnEvent } from "../events.ts";

export interface LoadedLog {
  readonly events: SparkfnEvent[];
  /** Lines that were not valid events: their 1-based number and why. */
  readonly invalid: { line: number; reason: string }[];
}

export function parseEventLog(text: string): LoadedLog {
  const events: SparkfnEvent[] = [];
  const invalid: { line: number; reason: string }[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      invalid.push({ line: i + 1, reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    const parsed = SparkfnEvent.safeParse(json);
    if (parsed.success) events.push(parsed.data);
    else invalid.push({ line: i + 1, reason: parsed.error.issues.map((issue) => `${issue.path.join(".") || "event"}: ${issue.message}`).join("; ") });
  });
  if (events.length === 0) throw new Error(`No valid sparkfn events in the log${invalid.length ? ` (first problem, line ${invalid[0]!.line}: ${invalid[0]!.reason})` : ""}.`);
  return { events, invalid };
}

export async function loadEventLog(uri: string): Promise<LoadedLog> {
  const location = uri.startsWith("file://") ? fileURLToPath(uri) : uri.startsWith("s3://") ? uri : path.resolve(uri);
  const bytes = await new RoutingObjectStore().get(location).catch((error: unknown) => {
    throw error instanceof Error && error.name === "ObjectNotFoundError" ? new Error(`No event log at ${uri}.`) : error;
  });
  return parseEventLog(new TextDecoder().decode(bytes));
}
