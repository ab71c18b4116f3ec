/**
 * Runs one task of the skeleton pipeline: scan a CSV object, filter, partially aggregate.
 * Storage comes in through the ObjectStore interface, so the same code serves Lambda (S3)
 * and local runs (files).
 */
import { CsvSyntaxError, parseCsv } from "../shared/codecs/csv.ts";
import { ObjectNotFoundError, type ObjectStore } from "../shared/storage/object-store.ts";
import type { ColumnPredicate, PartialGroup, TaskMetrics, TaskPayload, TaskSuccess } from "../shared/task.ts";
import { TaskError } from "./task-error.ts";

type RowTest = (fields: string[], line: number) => boolean;

function columnIndex(header: string[], column: string, uri: string): number {
  const index = header.indexOf(column);
  if (index < 0) {
    throw new TaskError(
      "BadInput",
      `column "${column}" not found in the header of ${uri}; the header has: ${header.join(", ")}`,
    );
  }
  return index;
}

/** Parses a numeric field; empty means null. Anything else that is not a number is bad input. */
function toNumber(raw: string, column: string, uri: string, line: number): number | null {
  if (raw === "") return null;
  const value = Number(raw);
  if (Number.isNaN(value) || raw.trim() === "") {
    throw new TaskError("BadInput", `${uri}:${line}: column "${column}" is not a number: ${JSON.stringify(raw)}`);
  }
  return value;
}

function compile(predicate: ColumnPredicate, header: string[], uri: string): RowTest {
  const index = columnIndex(header, predicate.column, uri);
  const target = predicate.value;
  const compare = (a: number | string, b: number | string): number => (a < b ? -1 : a > b ? 1 : 0);
  const holds: Record<ColumnPredicate["op"], (c: number) => boolean> = {
    gt: (c) => c > 0,
    ge: (c) => c >= 0,
    lt: (c) => c < 0,
    le: (c) => c <= 0,
    eq: (c) => c === 0,
    ne: (c) => c !== 0,
  };
  const test = holds[predicate.op];
  return (fields, line) => {
    const raw = fields[index] ?? "";
    // SQL semantics: a comparison with null is not true, so the row is filtered out.
    if (raw === "") return false;
    const value = typeof target === "number" ? toNumber(raw, predicate.column, uri, line) : raw;
    return value !== null && test(compare(value, target));
  };
}

let coldStart = true;

export async function runTask(task: TaskPayload, store: ObjectStore): Promise<TaskSuccess> {
  const started = performance.now();
  const isColdStart = coldStart;
  coldStart = false;
  const { uri } = task.input;

  let bytes: Uint8Array;
  try {
    bytes = await store.get(uri);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) throw new TaskError("InputNotFound", error.message);
    throw error;
  }
  const text = new TextDecoder("utf-8").decode(bytes);

  let header: string[] | undefined;
  let groupIndex = -1;
  let sumIndex = -1;
  let passes: RowTest = () => true;
  let recordsIn = 0;
  const groups = new Map<string | null, { sum: number; count: number }>();
  const { groupBy, sum } = task.pipeline.aggregate;

  try {
    parseCsv(text, (fields, line) => {
      if (!header) {
        header = fields;
        groupIndex = columnIndex(header, groupBy, uri);
        sumIndex = columnIndex(header, sum, uri);
        if (task.pipeline.filter) passes = compile(task.pipeline.filter, header, uri);
        return;
      }
      recordsIn++;
      if (fields.length !== header.length) {
        throw new TaskError(
          "BadInput",
          `${uri}:${line}: expected ${header.length} fields (${header.join(", ")}) but found ${fields.length}`,
        );
      }
      if (!passes(fields, line)) return;
      const rawKey = fields[groupIndex] ?? "";
      const key = rawKey === "" ? null : rawKey;
      let group = groups.get(key);
      if (!group) {
        group = { sum: 0, count: 0 };
        groups.set(key, group);
      }
      const value = toNumber(fields[sumIndex] ?? "", sum, uri, line);
      if (value !== null) {
        group.sum += value;
        group.count++;
      }
    });
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new TaskError("BadInput", `${uri}:${error.line}: ${error.message}`);
    throw error;
  }

  const output: PartialGroup[] = [...groups].map(([key, g]) => [key, g.sum, g.count]);
  const counts = store.counts;
  const metrics: TaskMetrics = {
    durationMs: performance.now() - started,
    coldStart: isColdStart,
    recordsIn,
    recordsOut: output.length,
    bytesRead: counts.bytesRead,
    bytesWritten: counts.bytesWritten,
    requests: { get: counts.get, put: counts.put, list: counts.list, head: counts.head, delete: counts.delete },
    peakMemoryBytes: process.resourceUsage().maxRSS * 1024,
  };
  return {
    status: "ok",
    version: task.version,
    stageId: task.stageId,
    partition: task.partition,
    attempt: task.attempt,
    groups: output,
    metrics,
  };
}
