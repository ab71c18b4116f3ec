/**
 * Reads an event log (a local path, file:// URI or s3:// URI, through the routing object
 * store) and validates each line against the versioned schema in ../events.ts. Lines that do
 * not parse are counted and reported, not fatal: a log cut short by a crash still renders.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { RoutingObjectStore } from "../../../shared/storage/routing-store.ts";
import { ObjectNotFoundError, type ObjectStore } from "../../../shared/storage/object-store.ts";
import { BadInputError } from "../../../shared/errors.ts";
import { eventLogSegmentNumber } from "../event-log.ts";
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

/**
 * Reads a log. On S3 the driver writes it as numbered segments under a prefix
 * (`<appId>/part-00001.jsonl`, ...; ../event-log.ts), read back in number order: `uri` may name
 * that prefix (with or without its `/`) or a log kept as one object or file.
 */
export async function loadEventLog(uri: string, store: ObjectStore = new RoutingObjectStore()): Promise<LoadedLog> {
  const location = uri.startsWith("file://") ? fileURLToPath(uri) : uri.startsWith("s3://") ? uri : path.resolve(uri);
  let parts: Uint8Array[];
  if (location.endsWith("/")) parts = await readSegments(store, location);
  else {
    try {
      parts = [await store.get(location)];
    } catch (error) {
      if (!(error instanceof ObjectNotFoundError)) throw error;
      parts = await readSegments(store, `${location}/`);
    }
  }
  if (parts.length === 0) throw new BadInputError(`No event log at ${uri}.`);
  const decoder = new TextDecoder();
  return parseEventLog(parts.map((bytes) => ((text) => (text.endsWith("\n") ? text : `${text}\n`))(decoder.decode(bytes))).join(""));
}

/** Segments read at once. */
const SEGMENT_READS = 16;

/** The log segments directly under `prefix`, in number order (none: an empty list). */
async function readSegments(store: ObjectStore, prefix: string): Promise<Uint8Array[]> {
  const segments = (await store.list(prefix))
    .map((o) => ({ uri: o.uri, n: eventLogSegmentNumber(prefix, o.uri) }))
    .filter((s): s is { uri: string; n: number } => s.n !== undefined)
    .sort((a, b) => a.n - b.n);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < segments.length; i += SEGMENT_READS) {
    parts.push(...(await Promise.all(segments.slice(i, i + SEGMENT_READS).map((s) => store.get(s.uri)))));
  }
  return parts;
}
