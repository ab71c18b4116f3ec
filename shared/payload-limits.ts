/**
 * Lambda's limit on a synchronous invocation: its request and its response each hold at
 * most 6 MB (6,291,456 bytes). The driver checks a task's whole serialized request before
 * it invokes (driver/invoker/lambda-invoker.ts), the executor its whole response before it
 * returns (executor-fn/execute.ts). Past the limit, Lambda would refuse the call with an
 * error the scheduler took for a passing one and retried; here it is a PayloadTooLargeError,
 * a user error (the same job sends the same bytes again), that names the part that is too
 * large and how to make it smaller.
 */
import { UserError } from "./errors.ts";
import type { StageTask, TaskSuccess } from "./task.ts";

export const LAMBDA_PAYLOAD_MAX_BYTES = 6_291_456;

/** One part of a payload, with its serialized size and what makes it smaller. */
export interface PayloadPart {
  readonly name: string;
  readonly bytes: number;
  readonly hint: string;
}

/** 7.4 MiB, 25.8 KiB, 300 bytes. */
function size(bytes: number): string {
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} bytes`;
}

export class PayloadTooLargeError extends UserError {
  override readonly name = "PayloadTooLargeError";
  constructor(
    readonly direction: "request" | "response",
    readonly bytes: number,
    readonly limit: number,
    /** The largest part of the payload, the one to shrink. */
    readonly part: PayloadPart,
  ) {
    super(
      `the task's ${direction} is ${size(bytes)} (${bytes} bytes), more than the ${limit} bytes a Lambda ${direction} holds; ` +
        `the largest part is ${part.name} (${size(part.bytes)}): ${part.hint}`,
    );
  }
}

/** The serialized (JSON) size of a value: what Lambda counts against its limit. */
export function serializedBytes(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
}

function largest(parts: readonly PayloadPart[]): PayloadPart {
  return parts.reduce((a, b) => (b.bytes > a.bytes ? b : a));
}

/** The parts of a task request that can grow large. */
export function requestParts(task: StageTask): PayloadPart[] {
  const input = task.input;
  const count =
    input.kind === "files" ? `${input.files.length} files` :
    input.kind === "rows" ? `${input.rows.length} rows` :
    input.kind === "shuffle" ? `${input.blocks.length} shuffle blocks` :
    input.kind === "join" ? `${input.left.length + input.right.length} shuffle blocks` :
    input.kind === "mapSlices" ? `${input.reads.reduce((n, r) => n + r.slices, 0)} shuffle slices` :
    input.kind === "joinSlices" ? `${[...input.left, ...input.right].reduce((n, r) => n + r.slices, 0)} shuffle slices` : input.kind;
  const broadcastBlocks = (task.broadcast ?? []).reduce((n, b) => n + b.blocks.length, 0);
  return [
    {
      name: `the task input (${count})`,
      bytes: serializedBytes(input),
      hint: "an input this large goes through S3 when the request passes sparkfn.task.inlinePayloadMaxBytes; set it below 6m (the default is 5m)",
    },
    {
      name: `the block lists of broadcast join sides (${broadcastBlocks} blocks)`,
      bytes: serializedBytes(task.broadcast),
      hint:
        "every task of a broadcast join carries the list of the build side's blocks; write the build side into fewer partitions " +
        "(spark.sql.shuffle.partitions, or repartition it), or lower spark.sql.autoBroadcastJoinThreshold (-1: broadcast only hinted sides) so that the join shuffles instead",
    },
  ];
}

/** The parts of a task's answer that can grow large. */
export function responseParts(result: TaskSuccess): PayloadPart[] {
  const out = result.output;
  const parts: PayloadPart[] = [];
  switch (out.kind) {
    case "rows":
      parts.push({ name: `the result rows (${out.rows.length} rows)`, bytes: serializedBytes(out.rows), hint: "lower sparkfn.result.inlineMaxBytes so that results go through S3 (the default is 1m)" });
      break;
    case "written":
      parts.push({
        name: `the list of files the task wrote (${out.files.length} files)`,
        bytes: serializedBytes(out.files),
        hint: "each partitionBy value a task meets is one more file; partition by columns with fewer distinct values, or repartition() the data by the partitionBy columns before writing so that each task writes fewer folders",
      });
      break;
    case "shuffle":
      parts.push({ name: `the shuffle block list (${out.partitions} reduce partitions)`, bytes: serializedBytes(out.index), hint: "use fewer shuffle partitions (spark.sql.shuffle.partitions, or a smaller repartition(n))" });
      break;
    case "sample":
      parts.push({ name: `the sample of sort keys (${out.keys.length} keys)`, bytes: serializedBytes(out.keys), hint: "sort by smaller keys (long strings or arrays make a large sample)" });
      break;
    case "storedRows":
      break;
  }
  for (const update of result.accumulators ?? []) {
    parts.push({
      name: `the additions to accumulator ${update.id}${update.kind === "list" ? ` (${update.values.length} values)` : ""}`,
      bytes: serializedBytes(update),
      hint: "a task's additions travel in its answer; add a smaller value (a count or a sum rather than the elements), or gather the elements with an action such as collect() or a write",
    });
  }
  return parts;
}

/** Returns the request bytes when they fit; throws a PayloadTooLargeError naming the largest part otherwise. */
export function checkRequestSize(payload: Uint8Array, task: StageTask, limit = LAMBDA_PAYLOAD_MAX_BYTES): Uint8Array {
  if (payload.byteLength <= limit) return payload;
  throw new PayloadTooLargeError("request", payload.byteLength, limit, largest(requestParts(task)));
}

/** Returns the response's size when it fits; throws a PayloadTooLargeError naming the largest part otherwise. */
export function checkResponseSize(result: TaskSuccess, limit = LAMBDA_PAYLOAD_MAX_BYTES): number {
  const bytes = serializedBytes(result);
  if (bytes <= limit) return bytes;
  const parts = responseParts(result);
  const part = parts.length ? largest(parts) : { name: "the task metrics", bytes, hint: "this should not happen: please report it" };
  throw new PayloadTooLargeError("response", bytes, limit, part);
}
