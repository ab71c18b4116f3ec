/**
 * User functions as plan data. JavaScript cannot serialise a closure's captured scope, so a
 * function passed to an RDD operation or a UDF travels as its source text plus a captures
 * object of JSON data, broadcast handles and accumulator handles, which the function
 * receives as its last argument: `rdd.map((x, env) => x * env.rate, { rate })`.
 *
 * The driver checks each function before anything runs (driver/api/closures.ts: no free
 * variables but the JavaScript runtime's globals, no `this`, no imports); executors compile
 * it once per task in a fresh `node:vm` context (shared/functions/compile.ts). The source
 * comes from the job's own driver, never from input data or a queue message.
 */
import { z } from "zod";

/** Where a function came from in the job script, for error messages and stack traces. */
export const CallSite = z.object({ file: z.string(), line: z.number().int().positive() }).strict();
export type CallSite = z.infer<typeof CallSite>;

/** A broadcast variable's value, stored once under the app's scratch space. */
export const BroadcastHandle = z.object({ $sparkfn: z.literal("broadcast"), id: z.number().int().nonnegative(), uri: z.string().min(1) }).strict();
export type BroadcastHandle = z.infer<typeof BroadcastHandle>;

/** "number" sums numbers; "list" collects every added value. */
export const AccumulatorKind = z.enum(["number", "list"]);
export type AccumulatorKind = z.infer<typeof AccumulatorKind>;

export const AccumulatorHandle = z.object({ $sparkfn: z.literal("accumulator"), id: z.number().int().nonnegative(), kind: AccumulatorKind }).strict();
export type AccumulatorHandle = z.infer<typeof AccumulatorHandle>;

/** An npm package bundled by the driver (sc.addModule), stored once by content hash. */
export const ModuleHandle = z
  .object({ $sparkfn: z.literal("module"), specifier: z.string().min(1).max(300), uri: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) })
  .strict();
export type ModuleHandle = z.infer<typeof ModuleHandle>;

export const CaptureHandle = z.discriminatedUnion("$sparkfn", [BroadcastHandle, AccumulatorHandle, ModuleHandle]);
export type CaptureHandle = z.infer<typeof CaptureHandle>;

export const MAX_FUNCTION_SOURCE = 256 * 1024;

export const ShippedFunction = z
  .object({
    /** The function's text, as Function.prototype.toString gives it (already JavaScript for TypeScript jobs run by tsx). */
    source: z.string().min(1).max(MAX_FUNCTION_SOURCE),
    /** The API call it was passed to (`rdd.map`, `udf`), for messages. */
    op: z.string().min(1).max(100),
    site: CallSite.nullable(),
    /** Top-level values are JSON data or handles (objects whose `$sparkfn` names them). */
    captures: z.record(z.string(), z.unknown()).nullable(),
  })
  .strict();
export type ShippedFunction = z.infer<typeof ShippedFunction>;

/** An accumulator's additions from one task: a sum, or the values added, in order. */
export const AccumulatorUpdate = z.discriminatedUnion("kind", [
  z.object({ id: z.number().int().nonnegative(), kind: z.literal("number"), value: z.number() }).strict(),
  z.object({ id: z.number().int().nonnegative(), kind: z.literal("list"), values: z.array(z.unknown()) }).strict(),
]);
export type AccumulatorUpdate = z.infer<typeof AccumulatorUpdate>;

/** The handles among a function's captures. */
export function handlesOf(fn: ShippedFunction): CaptureHandle[] {
  const out: CaptureHandle[] = [];
  for (const value of Object.values(fn.captures ?? {})) {
    const parsed = CaptureHandle.safeParse(value);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}
