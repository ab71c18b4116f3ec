/**
 * Shuffle output for now: one object per map task attempt, its reduce partitions back to
 * back as JSON lines, located by the byte ranges the task reports (the driver hands each
 * reducer its ranges). The compact binary format with checksums comes with the S3 shuffle.
 */
import type { Partitioning } from "../../shared/plan/physical.ts";
import type { Row, Schema } from "../../shared/plan/types.ts";
import type { ShuffleBlock } from "../../shared/task.ts";
import { TaskError } from "../task-error.ts";
import { compileProjection, type CompileContext } from "../compile/expression.ts";
import { hashKey } from "./hash.ts";

export function partitionRows(
  rows: readonly Row[],
  partitioning: Partitioning,
  schema: Schema,
  context: CompileContext,
): Row[][] {
  switch (partitioning.kind) {
    case "single":
      return [rows as Row[]];
    case "roundRobin": {
      const out: Row[][] = Array.from({ length: partitioning.numPartitions }, () => []);
      // Start where the map partition index points, as Spark does, so reducers fill evenly.
      rows.forEach((row, i) => out[(i + context.partition) % partitioning.numPartitions]!.push(row));
      return out;
    }
    case "offset": {
      const out: Row[][] = Array.from({ length: partitioning.numPartitions }, () => []);
      out[partitioning.offset + context.partition] = rows as Row[];
      return out;
    }
    case "hash": {
      const out: Row[][] = Array.from({ length: partitioning.numPartitions }, () => []);
      const keysOf = compileProjection(partitioning.keys, schema, context);
      for (const row of rows) out[hashKey(keysOf(row)) % partitioning.numPartitions]!.push(row);
      return out;
    }
  }
}

const encoder = new TextEncoder();

/** Encodes partitions back to back; returns the bytes and each partition's block. */
export function encodePartitions(partitions: readonly Row[][]): { bytes: Uint8Array; blocks: ShuffleBlock[] } {
  const chunks: Uint8Array[] = [];
  const blocks: ShuffleBlock[] = [];
  let offset = 0;
  for (const rows of partitions) {
    const bytes = rows.length === 0 ? new Uint8Array() : encoder.encode(rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    chunks.push(bytes);
    blocks.push({ offset, length: bytes.byteLength, rows: rows.length });
    offset += bytes.byteLength;
  }
  const out = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return { bytes: out, blocks };
}

export function decodeRows(bytes: Uint8Array, uri: string, expectedRows: number, into: Row[]): void {
  const text = new TextDecoder().decode(bytes);
  let count = 0;
  try {
    for (const line of text.split("\n")) {
      if (line === "") continue;
      into.push(JSON.parse(line) as Row);
      count++;
    }
  } catch {
    throw new TaskError("Internal", `shuffle block of ${uri} is corrupt (not JSON lines)`, true);
  }
  if (count !== expectedRows) {
    throw new TaskError("Internal", `shuffle block of ${uri} holds ${count} rows, expected ${expectedRows}: truncated or corrupt`, true);
  }
}
