/**
 * The user functions of one task: compiles each shipped function once (shared/functions/
 * compile.ts), gives them the broadcast variables they capture (fetched before the task's
 * pipeline starts, and kept per warm container like Spark keeps broadcasts per executor),
 * and gathers what they add to accumulators, which the task returns with its result.
 */
import { compileFunction, type CompiledFunction, type FunctionRuntime } from "../../shared/functions/compile.ts";
import { BroadcastHandle, ModuleHandle, type AccumulatorUpdate, type ShippedFunction } from "../../shared/plan/function.ts";
import { evaluateModule } from "../../shared/functions/modules.ts";
import { createHash } from "node:crypto";
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

/** Bundled npm packages this container has loaded, by content hash. */
const moduleCache = new Map<string, Promise<unknown>>();

function loadModule(handle: ModuleHandle, store: ObjectStore): Promise<unknown> {
  let exports = moduleCache.get(handle.sha256);
  if (!exports) {
    exports = store.get(handle.uri).then((bytes) => {
      const sha = createHash("sha256").update(bytes).digest("hex");
      if (sha !== handle.sha256) throw new TaskError("InvalidTask", `the bundle of "${handle.specifier}" (${handle.uri}) does not match its hash`);
      return evaluateModule(new TextDecoder().decode(bytes), handle.specifier);
    });
    exports.catch(() => moduleCache.delete(handle.sha256));
    moduleCache.set(handle.sha256, exports);
  }
  return exports;
}

/** Every broadcast and module handle anywhere in a stage plan (functions sit in operators and in UDF expressions). */
function handlesIn(plan: unknown, out = { broadcasts: new Map<string, BroadcastHandle>(), modules: new Map<string, ModuleHandle>() }) {
  if (Array.isArray(plan)) {
    for (const item of plan) handlesIn(item, out);
  } else if (typeof plan === "object" && plan !== null) {
    const broadcast = BroadcastHandle.safeParse(plan);
    const module = broadcast.success ? undefined : ModuleHandle.safeParse(plan);
    if (broadcast.success) out.broadcasts.set(broadcast.data.uri, broadcast.data);
    else if (module?.success) out.modules.set(module.data.sha256, module.data);
    else for (const value of Object.values(plan)) handlesIn(value, out);
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
    private readonly modules: ReadonlyMap<string, unknown>,
    where: string,
  ) {
    this.runtime = {
      where,
      broadcastValue: (h) => this.broadcasts.get(h.uri),
      moduleExports: (h) => this.modules.get(h.sha256),
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

  /** Loads the broadcast variables and bundled packages the stage's functions capture. */
  static async forStage(plan: unknown, store: ObjectStore, where: string): Promise<TaskFunctions> {
    const found = handlesIn(plan);
    const broadcasts = [...found.broadcasts.values()];
    const modules = [...found.modules.values()];
    const [values, exports] = await Promise.all([Promise.all(broadcasts.map((h) => readBroadcast(h, store))), Promise.all(modules.map((h) => loadModule(h, store)))]);
    return new TaskFunctions(new Map(broadcasts.map((h, i) => [h.uri, values[i]])), new Map(modules.map((h, i) => [h.sha256, exports[i]])), where);
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
