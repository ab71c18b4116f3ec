/**
 * Compiles a shipped user function (shared/plan/function.ts) once per task, in a fresh
 * `node:vm` context that holds only the JavaScript runtime's globals and a `console` of its
 * own (./guest-console.ts): the function sees its arguments and its declared captures, nothing
 * of the executor. (A vm context is a scope, not a security boundary: the code is the job's
 * own, sent by its driver; see README, "Trust and safety".)
 *
 * Captures are copied per task, so a function that mutates them cannot leak state into the
 * next task of a warm container; broadcast handles become `{ value }` objects and
 * accumulator handles `{ add(v) }` objects. An exception thrown by the function becomes a
 * UserFunctionError naming the operation, the job script's line and the partition.
 */
import vm from "node:vm";
import { UserError } from "../errors.ts";
import { guestConsole } from "./guest-console.ts";
import { CaptureHandle, type AccumulatorHandle, type BroadcastHandle, type ModuleHandle, type ShippedFunction } from "../plan/function.ts";

export interface FunctionRuntime {
  /** A broadcast variable's value (already loaded: functions run synchronously). */
  broadcastValue(handle: BroadcastHandle): unknown;
  /** Where the function's additions to an accumulator go. */
  accumulator(handle: AccumulatorHandle): { add(value: unknown): void };
  /** A bundled npm package's exports (already loaded). */
  moduleExports(handle: ModuleHandle): unknown;
  /** "partition 3 of stage 1", for error messages. */
  readonly where: string;
}

/** A shipped function threw or returned the wrong shape: it would do so again, so it is the job's to fix. */
export class UserFunctionError extends UserError {
  override readonly name = "UserFunctionError";
}

/** `job.ts:12`, or "the job script" when the call site is unknown. */
export function describeSite(fn: ShippedFunction): string {
  return fn.site ? `${fn.site.file}:${fn.site.line}` : "the job script";
}

/** The lines of a user function's stack, without the engine's frames below it. */
function userStack(error: unknown, fn: ShippedFunction): string {
  // Errors thrown inside the vm context come from its realm: test shapes, not instanceof.
  if (typeof error !== "object" || error === null || typeof (error as { stack?: unknown }).stack !== "string") return "";
  const file = fn.site?.file ?? "sparkfn-function";
  const lines = ((error as { stack: string }).stack).split("\n").slice(1);
  const own = lines.filter((l) => l.includes(file));
  return own.length ? `\n${own.join("\n")}` : "";
}

function materialize(captures: ShippedFunction["captures"], runtime: FunctionRuntime): Record<string, unknown> {
  const env: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(captures ?? {})) {
    const handle = CaptureHandle.safeParse(value);
    if (!handle.success) {
      env[name] = structuredClone(value);
    } else if (handle.data.$sparkfn === "module") {
      env[name] = runtime.moduleExports(handle.data);
    } else if (handle.data.$sparkfn === "broadcast") {
      const h = handle.data;
      env[name] = Object.freeze({ id: h.id, get value() { return runtime.broadcastValue(h); } });
    } else {
      const target = runtime.accumulator(handle.data);
      const id = handle.data.id;
      env[name] = Object.freeze({
        id,
        add: (v: unknown) => target.add(v),
        get value(): never {
          throw new UserFunctionError(`accumulator ${id}: tasks can only add to an accumulator; read acc.value on the driver after the action.`);
        },
      });
    }
  }
  return env;
}

export type CompiledFunction = (...args: unknown[]) => unknown;

/**
 * The function, ready to call with its own arguments: the captures are appended as the
 * last argument. Compiling throws a UserFunctionError when the source is not a function.
 */
export function compileFunction(fn: ShippedFunction, runtime: FunctionRuntime): CompiledFunction {
  // `__name` is the helper esbuild (tsx) calls to keep nested functions' names.
  const context = vm.createContext({ console: guestConsole, __name: (target: object, value: string) => Object.defineProperty(target, "name", { value, configurable: true }) });
  let compiled: unknown;
  try {
    const script = new vm.Script(`(${fn.source})`, {
      filename: fn.site?.file ?? "sparkfn-function",
      lineOffset: (fn.site?.line ?? 1) - 1,
    });
    compiled = script.runInContext(context);
  } catch (error) {
    throw new UserFunctionError(`${fn.op}: the function from ${describeSite(fn)} does not compile: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof compiled !== "function") throw new UserFunctionError(`${fn.op}: the value from ${describeSite(fn)} is not a function.`);
  const f = compiled as CompiledFunction;
  const env = materialize(fn.captures, runtime);
  return (...args: unknown[]) => {
    try {
      return f(...args, env);
    } catch (error) {
      if (error instanceof UserFunctionError) throw error;
      const message = typeof error === "object" && error !== null && "message" in error ? String((error as { message: unknown }).message) : String(error);
      throw new UserFunctionError(`${fn.op}: the function from ${describeSite(fn)} threw in ${runtime.where}: ${message}${userStack(error, fn)}`);
    }
  };
}
