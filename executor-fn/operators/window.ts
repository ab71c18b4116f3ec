/**
 * Window: over a task's rows sorted by (partition keys, order keys) (the stage's sort operator
 * runs first), walks each partition-key group in order, evaluates every window function over
 * it (window-group.ts) and appends one column per function to the input's columns. Batches
 * pass through in order: a batch leaves once every one of its rows has its values, so a group
 * may span batches and a batch may hold many groups.
 *
 * One group is held at a time: its order keys and function arguments as values, and its input
 * batches. When the held batches pass the task's memory budget (a group larger than memory)
 * they are written to a local spill file, in order, and read back when the group's values are
 * known, as Spark's window operator buffers a partition in a spillable row array; the order
 * keys and arguments, all that the frames read, stay in memory.
 */
import { operatorOutputSchema } from "../../shared/plan/physical.ts";
import { sameValue } from "../../shared/plan/semantics.ts";
import type { Expr, ExprOf } from "../../shared/plan/expr.ts";
import { typeOf } from "../../shared/plan/resolve.ts";
import { effectiveFrame, literalInt } from "../../shared/plan/window-functions.ts";
import type { Row, Schema, Value } from "../../shared/plan/types.ts";
import { batchBytes, batchFromRows, compact, denseBatch, rowsFromBatch, type Batch } from "../../shared/batch/batch.ts";
import { valueAt, vectorFromValues, type Vector } from "../../shared/batch/vector.ts";
import { compileVectorProjection } from "../compile/vector-expression.ts";
import { readRun, SpillFolder } from "../stage/spill.ts";
import type { OperatorFactory } from "./operator.ts";
import { evaluateWindow, type WindowCall } from "./window-group.ts";
import { DEFAULT_TIME_ZONE, timeZone } from "../../shared/plan/functions/time-zone.ts";

/** A window expression's evaluation plan and the argument expressions it reads per row. */
function callOf(expr: ExprOf<"window">, input: Schema): { call: WindowCall; args: Expr[] } {
  const spec = expr.spec!;
  const frame = effectiveFrame(expr.fn, spec);
  const ignoreNulls = expr.ignoreNulls ?? false;
  switch (expr.fn) {
    case "aggregate": {
      const agg = expr.args[0] as ExprOf<"agg">;
      const args = [...(agg.arg ? [agg.arg] : []), ...(agg.args ?? [])];
      const types = args.map((a) => typeOf(a, input).type);
      const options = { ...(agg.ignoreNulls !== undefined ? { ignoreNulls: agg.ignoreNulls } : {}), ...(agg.args ? { args: agg.args } : {}), ...(agg.legacy ? { legacy: true as const } : {}) };
      return { call: { fn: "aggregate", agg: { fn: agg.fn, options, types }, frame, n: 0, ignoreNulls }, args };
    }
    case "ntile":
      return { call: { fn: expr.fn, frame, n: literalInt(expr.args[0], 1, "ntile's buckets"), ignoreNulls }, args: [] };
    case "lag":
    case "lead":
      return { call: { fn: expr.fn, frame, n: literalInt(expr.args[1], 1, `${expr.fn}'s offset`), ignoreNulls }, args: [...expr.args] };
    case "nth_value":
      return { call: { fn: expr.fn, frame, n: literalInt(expr.args[1], 1, "nth_value's n"), ignoreNulls }, args: [expr.args[0]!] };
    default:
      return { call: { fn: expr.fn, frame, n: 0, ignoreNulls }, args: [] };
  }
}

/** Input rows waiting for their window values: a batch in memory, or batches spilled to a file. */
type Waiting = { readonly kind: "memory"; readonly batch: Batch } | { readonly kind: "spilled"; readonly file: string; readonly count: number };

/** Rows per batch read back from a spill file. */
const SPILL_READ_ROWS = 4096;
const SPILL_READ_BYTES = 256 * 1024;

export const window: OperatorFactory<"window"> = (op, input, ctx) => {
  const outputSchema = operatorOutputSchema(input, op);
  const resultTypes = outputSchema.fields.slice(input.fields.length).map((f) => f.type);
  const zone = timeZone(ctx.compile.timeZone ?? DEFAULT_TIME_ZONE);
  const plans = op.functions.map((f) => ((p) => ({ ...p, call: { ...p.call, zone } }))(callOf(f.expr as ExprOf<"window">, input)));
  const argExprs = plans.flatMap((p) => p.args);
  const slots: number[][] = [];
  let next = 0;
  for (const p of plans) slots.push(p.args.map(() => next++));
  const keysOf = compileVectorProjection(op.partitionBy, input, ctx.compile);
  const ordersOf = compileVectorProjection(
    op.orderBy.map((o) => o.expr),
    input,
    ctx.compile,
  );
  const argsOf = compileVectorProjection(argExprs, input, ctx.compile);
  const width = op.functions.length;

  return {
    outputSchema,
    async *open(batches) {
      /** Rows waiting for their values, in order, and the values found so far (per function, in row order). */
      const waiting: Waiting[] = [];
      let heldBytes = 0;
      let spill: SpillFolder | undefined;
      let results: Value[][] = Array.from({ length: width }, () => []);
      // The current group.
      let groupKey: Value[] | null = null;
      let orderValues: Value[][] = op.orderBy.map(() => []);
      let argValues: Value[][] = argExprs.map(() => []);
      let size = 0;

      const closeGroup = () => {
        if (size === 0) return;
        const group = { size, orderValues, args: plans.map((_, f) => slots[f]!.map((s) => argValues[s]!)) };
        plans.forEach((p, f) => {
          const values = evaluateWindow(p.call, f, group, op.orderBy);
          const into = results[f]!;
          for (const v of values) into.push(v);
        });
        orderValues = op.orderBy.map(() => []);
        argValues = argExprs.map(() => []);
        size = 0;
      };
      /** The held batches, written to one spill file in order, become one waiting entry. */
      const spillHeld = async () => {
        const first = waiting.findIndex((w) => w.kind === "memory");
        const held = waiting.splice(first).map((w) => (w as Extract<Waiting, { kind: "memory" }>).batch);
        spill ??= await SpillFolder.create(ctx.memory, "sparkfn-window-");
        const file = await spill.writeRun(held.map(rowsFromBatch));
        waiting.push({ kind: "spilled", file, count: held.reduce((n, b) => n + b.count, 0) });
        heldBytes = 0;
      };
      /** Input columns plus the next `n` values of each function. */
      const withValues = (columns: readonly Vector[], n: number): Batch => {
        const values: Vector[] = results.map((v, f) => vectorFromValues(resultTypes[f]!, v.slice(0, n)));
        results = results.map((v) => v.slice(n));
        return denseBatch([...columns, ...values], n);
      };
      /** The waiting rows that all have values, with their value columns. */
      async function* ready(): AsyncGenerator<Batch> {
        let done = results[0]?.length ?? Infinity;
        while (waiting.length) {
          const head = waiting[0]!;
          const count = head.kind === "memory" ? head.batch.count : head.count;
          if (count > done) return;
          waiting.shift();
          done -= count;
          if (head.kind === "memory") {
            heldBytes -= batchBytes(head.batch);
            yield withValues(head.batch.columns, count);
            continue;
          }
          let rows: Row[] = [];
          for await (const block of readRun(head.file, SPILL_READ_BYTES)) {
            for (const row of block as Row[]) rows.push(row);
            if (rows.length >= SPILL_READ_ROWS) {
              yield withValues(batchFromRows(input, rows).columns, rows.length);
              rows = [];
            }
          }
          if (rows.length) yield withValues(batchFromRows(input, rows).columns, rows.length);
        }
      }

      try {
        for await (const raw of batches) {
          if (raw.count === 0) continue;
          const batch = compact(raw);
          const keys = keysOf(batch);
          const orders = ordersOf(batch);
          const args = argsOf(batch);
          for (let i = 0; i < batch.count; i++) {
            const key = keys.map((v) => valueAt(v, i));
            if (groupKey === null || !key.every((k, j) => sameValue(k, groupKey![j]!))) {
              closeGroup();
              groupKey = key;
            }
            orders.forEach((v, j) => orderValues[j]!.push(valueAt(v, i)));
            args.forEach((v, j) => argValues[j]!.push(valueAt(v, i)));
            size++;
          }
          waiting.push({ kind: "memory", batch });
          heldBytes += batchBytes(batch);
          yield* ready();
          if (heldBytes > ctx.memory.budgetBytes) await spillHeld();
        }
        closeGroup();
        yield* ready();
      } finally {
        await spill?.remove();
      }
    },
  };
};
