/**
 * coalesce(n): neighbouring partitions' inputs become one task's input, with no shuffle.
 * Inputs of one stage are all of one kind, and each kind concatenates naturally.
 */
import type { PartitionInput } from "../../shared/plan/physical.ts";
import { InternalError } from "../../shared/errors.ts";

function merge(group: readonly PartitionInput[]): PartitionInput {
  const first = group[0]!;
  switch (first.kind) {
    case "files":
      return { kind: "files", files: group.flatMap((g) => (g.kind === "files" ? g.files : [])) };
    case "rows":
      return { kind: "rows", rows: group.flatMap((g) => (g.kind === "rows" ? g.rows : [])) };
    case "shuffle":
      return { kind: "shuffle", blocks: group.flatMap((g) => (g.kind === "shuffle" ? g.blocks : [])) };
    case "join":
      // Partition r of both sides stays together, so co-partitioning still holds.
      return {
        kind: "join",
        left: group.flatMap((g) => (g.kind === "join" ? g.left : [])),
        right: group.flatMap((g) => (g.kind === "join" ? g.right : [])),
      };
    case "mapSlices":
      return { kind: "mapSlices", reads: group.flatMap((g) => (g.kind === "mapSlices" ? g.reads : [])) };
    case "joinSlices":
      return {
        kind: "joinSlices",
        left: group.flatMap((g) => (g.kind === "joinSlices" ? g.left : [])),
        right: group.flatMap((g) => (g.kind === "joinSlices" ? g.right : [])),
      };
    case "stored":
      throw new InternalError("inputs are stored only when a task is invoked, after planning");
    case "combine":
      throw new InternalError("a combiner's input is made for one task of a two-level exchange, never for a stage's partitions");
    case "range": {
      // range() splits are contiguous, so neighbours form one range.
      const last = group[group.length - 1]!;
      return { kind: "range", start: first.start, end: last.kind === "range" ? last.end : first.end, step: first.step };
    }
  }
}

export function coalesceInputs(inputs: readonly PartitionInput[], n: number): PartitionInput[] {
  if (inputs.length <= n) return [...inputs];
  const out: PartitionInput[] = [];
  for (let i = 0; i < n; i++) {
    const group = inputs.slice(Math.floor((i * inputs.length) / n), Math.floor(((i + 1) * inputs.length) / n));
    out.push(merge(group));
  }
  return out;
}
