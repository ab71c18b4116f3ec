/**
 * The inputs of a stage's tasks: given partitions, or for a stage that reads shuffles, each
 * reducer's slices of its map stages' outputs (map-outputs.ts): the stages' map-output tables
 * once, and per map one byte range covering the reducer's partitions. Adaptive execution's
 * specs (adaptive.ts) decide which partitions each reducer reads (coalesced neighbours, or a
 * skewed join partition split by map outputs).
 */
import type { MapObjects, MapSlices, PartitionInput, ShuffleBlockRef } from "../../shared/plan/physical.ts";
import type { TaskSuccess } from "../../shared/task.ts";
import { InternalError } from "../../shared/errors.ts";
import type { StageGraph } from "../planner/physical-planner.ts";
import type { MapSizeTable, ReduceTaskSpec } from "./adaptive.ts";
import { MapOutputs, type TableStorage } from "./map-outputs.ts";
import { SliceFiles } from "./slice-files.ts";

type PlannedStage = StageGraph["stages"][number];

/** Several map stages feeding one shuffle (a union's inputs) as one table of sizes, maps in stage order. */
export function combinedSizes(outputs: readonly MapOutputs[]): MapSizeTable {
  if (outputs.length === 1) return outputs[0]!;
  const maps = outputs.reduce((n, o) => n + o.maps, 0);
  return {
    maps,
    size: (map, r) => {
      for (const o of outputs) {
        if (map < o.maps) return r < o.partitions ? o.size(map, r) : 0;
        map -= o.maps;
      }
      return 0;
    },
    partitionTotals: (partitions) => {
      const totals = new Array<number>(partitions).fill(0);
      for (const o of outputs) o.partitionTotals(partitions).forEach((t, r) => (totals[r]! += t));
      return totals;
    },
  };
}

const wholePartitions = (n: number): ReduceTaskSpec[] => Array.from({ length: n }, (_, r) => ({ kind: "partitions", from: r, to: r + 1 }));

/** The stored (or inline) tables of some map stages' outputs. */
const tables = (outputs: readonly MapOutputs[], storage: TableStorage): Promise<MapObjects[]> => Promise.all(outputs.map((o) => o.tableRef(storage)));

function outputsOf(finished: ReadonlyMap<number, MapOutputs>, stageId: number): MapOutputs {
  const outputs = finished.get(stageId);
  if (!outputs) throw new InternalError(`the outputs of map stage ${stageId} are not known`);
  return outputs;
}

/** Each task's input: one per spec (adaptive execution), or one per reduce partition. */
export async function stageInputs(
  stage: PlannedStage,
  finished: ReadonlyMap<number, MapOutputs>,
  specs: readonly ReduceTaskSpec[] | undefined,
  storage: TableStorage,
): Promise<readonly PartitionInput[]> {
  const tasks = specs ?? wholePartitions(stage.numPartitions);
  const files = new SliceFiles(storage, stage.plan.stageId);
  const slices = (outputs: MapOutputs, objects: MapObjects, from: number, to: number, maps?: readonly number[]) => {
    const { slices, values } = outputs.sliceValues(from, to, maps);
    return files.add(objects, slices, values);
  };
  const inputs = await inputsOf(stage, finished, tasks, storage, slices);
  await files.flush();
  return inputs;
}

type SlicesOf = (outputs: MapOutputs, objects: MapObjects, from: number, to: number, maps?: readonly number[]) => MapSlices;

async function inputsOf(stage: PlannedStage, finished: ReadonlyMap<number, MapOutputs>, tasks: readonly ReduceTaskSpec[], storage: TableStorage, slices: SlicesOf): Promise<readonly PartitionInput[]> {
  switch (stage.inputs.kind) {
    case "direct":
      return stage.inputs.partitions;
    case "shuffle": {
      const parents = stage.inputs.parentStageIds.map((id) => outputsOf(finished, id));
      const refs = await tables(parents, storage);
      return tasks.map((spec) => {
        if (spec.kind !== "partitions") throw new InternalError(`a skew split of stage ${stage.plan.stageId}, which is not a join`);
        return { kind: "mapSlices", reads: parents.map((p, i) => slices(p, refs[i]!, spec.from, spec.to)) };
      });
    }
    case "join": {
      const left = outputsOf(finished, stage.inputs.leftStageId);
      const right = outputsOf(finished, stage.inputs.rightStageId);
      const [l, r] = await tables([left, right], storage);
      return tasks.map((spec): PartitionInput => {
        if (spec.kind === "partitions") return { kind: "joinSlices", left: [slices(left, l!, spec.from, spec.to)], right: [slices(right, r!, spec.from, spec.to)] };
        // A slice of the skewed side's map outputs meets the whole partition of the other side.
        const p = spec.partition;
        return spec.side === "left"
          ? { kind: "joinSlices", left: [slices(left, l!, p, p + 1, spec.maps)], right: [slices(right, r!, p, p + 1)] }
          : { kind: "joinSlices", left: [slices(left, l!, p, p + 1)], right: [slices(right, r!, p, p + 1, spec.maps)] };
      });
    }
  }
}

/** Every reduce partition's block list of a finished stage's results (a cached relation's partitions). */
export function blockLists(results: readonly TaskSuccess[], partitions: number): ShuffleBlockRef[][] {
  const outputs = MapOutputs.of(results[0]?.stageId ?? 0, results);
  return Array.from({ length: partitions }, (_, r) => outputs.blocks(r));
}
