/**
 * The walking skeleton's job: `filter → groupBy → sum` over CSV objects, one task per
 * object, partial aggregates merged on the driver. The seed article's first example:
 *
 *   df.filter(df["amount"] > 1000).groupBy("category").sum("amount").collect()
 */
import { randomUUID } from "node:crypto";
import type { ObjectInfo, ObjectStore } from "../../shared/storage/object-store.ts";
import { TASK_PROTOCOL_VERSION, type ColumnPredicate, type TaskPayload, type TaskSuccess } from "../../shared/task.ts";
import type { TaskInvoker } from "../invoker/task-invoker.ts";
import { runTasks } from "../scheduler/run-tasks.ts";

export interface GroupedSumOptions {
  /** An object or a prefix ("directory") of CSV objects with a header line. */
  input: string;
  groupBy: string;
  sum: string;
  filter?: ColumnPredicate;
  maxConcurrency?: number;
  maxFailures?: number;
}

export interface GroupedSumRow {
  readonly key: string | null;
  readonly sum: number;
  /** How many non-null values were summed. */
  readonly count: number;
}

export interface GroupedSumResult {
  readonly rows: GroupedSumRow[];
  readonly tasks: TaskSuccess[];
}

/** Like Spark, files whose name starts with `_` or `.` (markers, temp files) are not data. */
function isDataObject(info: ObjectInfo): boolean {
  const name = info.uri.slice(info.uri.lastIndexOf("/") + 1);
  return info.size > 0 && !name.startsWith("_") && !name.startsWith(".");
}

export async function listInputObjects(store: ObjectStore, input: string): Promise<ObjectInfo[]> {
  const exact = input.endsWith("/") ? undefined : await store.head(input);
  if (exact) return [exact];
  const prefix = input.endsWith("/") ? input : `${input}/`;
  const objects = (await store.list(prefix)).filter(isDataObject);
  if (objects.length === 0) {
    throw new Error(`No input found at ${input}: it is neither an object nor a prefix holding data objects.`);
  }
  return objects;
}

export async function runGroupedSum(
  context: { invoker: TaskInvoker; store: ObjectStore },
  options: GroupedSumOptions,
): Promise<GroupedSumResult> {
  const objects = await listInputObjects(context.store, options.input);
  const appId = `app-${randomUUID()}`;
  const tasks: TaskPayload[] = objects.map((object, partition) => ({
    version: TASK_PROTOCOL_VERSION,
    appId,
    stageId: 0,
    partition,
    attempt: 0,
    input: { uri: object.uri, format: "csv", header: true },
    pipeline: {
      ...(options.filter ? { filter: options.filter } : {}),
      aggregate: { groupBy: options.groupBy, sum: options.sum },
    },
  }));
  const results = await runTasks(tasks, context.invoker, {
    maxConcurrency: options.maxConcurrency ?? 100,
    maxFailures: options.maxFailures ?? 4,
  });

  const merged = new Map<string | null, { sum: number; count: number }>();
  for (const result of results) {
    for (const [key, sum, count] of result.groups) {
      const group = merged.get(key);
      if (group) {
        group.sum += sum;
        group.count += count;
      } else merged.set(key, { sum, count });
    }
  }
  const rows = [...merged].map(([key, g]) => ({ key, sum: g.sum, count: g.count }));
  return { rows, tasks: results };
}
