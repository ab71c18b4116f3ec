/**
 * Parquet splits with hyparquet: only the footer and the selected columns' chunks are
 * fetched (ranged GETs through the ObjectStore), and row groups whose min/max statistics
 * prove that a pushed filter cannot match are skipped (counted in the task's metrics).
 * Files are read whole by one task (row groups are the unit of skipping, not of splitting).
 */
import { parquetMetadataAsync, parquetRead, parquetSchema, type FileMetaData } from "hyparquet";
import { objectAsyncBuffer } from "../../shared/storage/async-buffer.ts";
import type { Expr } from "../../shared/plan/expr.ts";
import { fromParquet } from "../../shared/codecs/parquet-types.ts";
import { sourceSchema } from "../../shared/plan/physical.ts";
import { compareValues } from "../../shared/plan/semantics.ts";
import type { Row, Value } from "../../shared/plan/types.ts";
import { ObjectNotFoundError, type ObjectStore } from "../../shared/storage/object-store.ts";
import { TaskError } from "../task-error.ts";
import type { FileReadCounters, FileStageSource } from "./readers.ts";
import type { FileSplit } from "./split-text.ts";

type Stats = { min?: unknown; max?: unknown; nulls?: number };

const toComparable = (v: unknown): Value | undefined =>
  typeof v === "bigint" ? Number(v) : v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === "number" || typeof v === "string" || typeof v === "boolean" ? v : undefined;

/** false when the statistics prove that `filter` is false or null for every row of the group. */
function mayMatch(filter: Expr, stats: ReadonlyMap<string, Stats>): boolean {
  if (filter.kind === "binary" && filter.op === "and") return mayMatch(filter.left, stats) && mayMatch(filter.right, stats);
  if (filter.kind === "binary" && filter.op === "or") return mayMatch(filter.left, stats) || mayMatch(filter.right, stats);
  if (filter.kind !== "binary") return true;
  let { op } = filter;
  let [col, lit] = [filter.left, filter.right];
  if (col.kind === "literal" && lit.kind === "column") {
    [col, lit] = [lit, col];
    op = ({ lt: "gt", gt: "lt", le: "ge", ge: "le" } as Record<string, typeof op>)[op] ?? op;
  }
  if (col.kind !== "column" || lit.kind !== "literal" || lit.value === null) return true;
  const s = stats.get(col.name);
  const [min, max] = [toComparable(s?.min), toComparable(s?.max)];
  if (min === undefined || max === undefined || min === null || max === null || typeof min !== typeof lit.value) return true;
  const v = lit.value;
  const c = (a: Value, b: Value) => compareValues(a as Exclude<Value, null>, b as Exclude<Value, null>);
  switch (op) {
    case "eq":
      return c(v, min) >= 0 && c(v, max) <= 0;
    case "gt":
      return c(max, v) > 0;
    case "ge":
      return c(max, v) >= 0;
    case "lt":
      return c(min, v) < 0;
    case "le":
      return c(min, v) <= 0;
    default:
      return true;
  }
}

function groupStats(metadata: FileMetaData, group: number): Map<string, Stats> {
  const out = new Map<string, Stats>();
  for (const chunk of metadata.row_groups[group]!.columns) {
    const meta = chunk.meta_data;
    if (!meta) continue;
    const s = meta.statistics;
    out.set(meta.path_in_schema.join("."), { min: s?.min_value ?? s?.min, max: s?.max_value ?? s?.max, ...(s?.null_count !== undefined ? { nulls: Number(s.null_count) } : {}) });
  }
  return out;
}

export async function readParquetSplit(source: FileStageSource, file: FileSplit, store: ObjectStore, counters: FileReadCounters): Promise<Row[]> {
  const buffer = objectAsyncBuffer(store, file.uri, file.size);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) throw new TaskError("InputNotFound", error.message);
    throw new TaskError("BadInput", `${file.uri}: not a readable Parquet file (${error instanceof Error ? error.message : String(error)})`);
  }
  const fields = sourceSchema(source).fields;
  // A merged schema may name columns this file lacks: they read as null here.
  const present = new Set(parquetSchema(metadata).children.map((c) => c.element.name));
  const columns = fields.map((f) => f.name).filter((name) => present.has(name));
  const position = fields.map((f) => columns.indexOf(f.name));
  const out: Row[] = [];
  let rowStart = 0;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const numRows = Number(metadata.row_groups[g]!.num_rows);
    const start = rowStart;
    rowStart += numRows;
    counters.rowGroups++;
    const stats = groupStats(metadata, g);
    if (!source.filters.every((f) => mayMatch(f, stats))) {
      counters.rowGroupsSkipped++;
      continue;
    }
    const rows = await new Promise<unknown[][]>((resolve, reject) => {
      parquetRead({ file: buffer, metadata, columns, rowStart: start, rowEnd: start + numRows, rowFormat: "array", onComplete: resolve }).catch(reject);
    }).catch((error: unknown) => {
      throw new TaskError("BadInput", `${file.uri}: row group ${g} cannot be read (${error instanceof Error ? error.message : String(error)})`);
    });
    for (const raw of rows) out.push(fields.map((f, i) => (position[i]! < 0 ? null : fromParquet(raw[position[i]!], f.type, f.name, file.uri))));
  }
  return out;
}
