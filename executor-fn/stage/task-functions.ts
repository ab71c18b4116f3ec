/**
 * The user functions of one task: compiles each shipped function once (shared/functions/
 * compile.ts), gives them the broadcast variables they capture (fetched before the task's
 * pipeline starts, and kept per warm container like Spark keeps broadcasts per executor),
 * and gathers what they add to accumulators, which the task returns with its result.
 */
import { compileFunction, type CompiledFunction, type FunctionRuntime } from "../../shared/functions/compile.ts";
import { BroadcastHandle, type AccumulatorUpdate, type ShippedFunction } from "../../shared/plan/function.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { TaskError } from "../task-error.ts";

/** Broadcast values this container has read, by object URI (the most recent few). */
const broadcastCache = new Map<string, Promise<unknown>>();
const BROADCASTS_KEPT = 8;

function readBroadcast(handle: BroadcastHandle, store: ObjectStore): Promise<unknown> {
  let value = broadcastCache.get(handle.uri);
  if (!value) {
    value = store.get(handle.uri).then(
      (bytes) => JSON.parse(new TextDecoder().decode(bytes)) as unknown,
      (error: unknown) => {
        broadcastCache.delete(handle.uri);
        throw new TaskError("InputNotFound", `broadcast variable ${handle.id} (${handle.uri}) cannot be read: ${error instanceof Error ? error.message : String(error)}. Was it destroyed before this job ran?`);
      },
    );
    if (broadcastCache.size >= BROADCASTS_KEPT) broadcastCache.delete(broadcastCache.keys().next().value!);
    broadcastCache.set(handle.uri, value);
  }
  return value;
}

/** Every broadcast handle anywhere in a stage plan (functions sit in operators and in UDF expressions). */
function broadcastHandles(plan: unknown, out = new Map<string, BroadcastHandle>()): Map<string, BroadcastHandle> {
  if (Array.isArray(plan)) {
    for (const item of plan) broadcastHandles(item, out);
  } else if (typeof plan === "object" && plan !== null) {
    const handle = BroadcastHandle.safeParse(plan);
    if (handle.success) out.set(handle.data.uri, handle.data);
    else for (const value of Object.values(plan)) broadcastHandles(value, out);
  }
  return out;
}

export class TaskFunctions {
  private readonly compiled = new Map<ShippedFunction, CompiledFunction>();
  private readonly sums = new Map<number, number>();
  private readonly lists = new Map<number, unknown[]>();
  private readonly runtime: FunctionRuntime;

  private constructor(
    private readonly broadcasts: ReadonlyMap<string, unknown>,
    where: string,
  ) {
    this.runtime = {
      where,
      broadcastValue: (h) => this.broadcasts.get(h.uri),
      accumulator: (h) => ({
        add: (value: unknown) => {
          if (h.kind === "number") {
            if (typeof value !== "number") throw new TypeError(`accumulator ${h.id} adds numbers; got ${typeof value}`);
            this.sums.set(h.id, (this.sums.get(h.id) ?? 0) + value);
          } else {
            const list = this.lists.get(h.id) ?? [];
            list.push(structuredClone(value));
            this.lists.set(h.id, list);
          }
        },
      }),
    };
  }

  /** Loads the broadcast variables the stage's functions capture. */
  static async forStage(plan: unknown, store: ObjectStore, where: string): Promise<TaskFunctions> {
    const handles = [...broadcastHandles(plan).values()];
    const values = await Promise.all(handles.map((h) => readBroadcast(h, store)));
    return new TaskFunctions(new Map(handles.map((h, i) => [h.uri, values[i]])), where);
  }

  /** The function compiled for this task (once, however many operators call it). */
  get(fn: ShippedFunction): CompiledFunction {
    let f = this.compiled.get(fn);
    if (!f) {
      f = compileFunction(fn, this.runtime);
      this.compiled.set(fn, f);
    }
    return f;
  }

  /** What this task added to each accumulator. */
  accumulatorUpdates(): AccumulatorUpdate[] {
    return [
      ...[...this.sums].map(([id, value]) => ({ id, kind: "number" as const, value })),
      ...[...this.lists].map(([id, values]) => ({ id, kind: "list" as const, values })),
    ];
  }
}
