/**
 * Parquet splits read as batches of column vectors, with no rows in between: only the footer
 * and the selected columns' chunks are fetched (ranged GETs through the ObjectStore, chunks
 * close together in one request, a few requests ahead of decoding), row groups whose min/max
 * statistics prove that a pushed filter cannot match are skipped (counted in the task's
 * metrics), and each chunk is decoded page by page into typed vectors (parquet/cursor.ts):
 * dictionary-encoded strings stay a dictionary and its codes. A column the file lacks (a
 * merged schema) reads as nulls. Files are read whole by one task (row groups are the unit of
 * skipping, not of splitting); batches are slices of a row group.
 */
import { parquetMetadataAsync, parquetSchema, type ColumnChunk, type FileMetaData, type SchemaTree } from "hyparquet";
import { BATCH_ROWS, denseBatch, type BatchStream } from "../../shared/batch/batch.ts";
import { nullVector, type Vector } from "../../shared/batch/vector.ts";
import type { Expr } from "../../shared/plan/expr.ts";
import { sourceSchema } from "../../shared/plan/physical.ts";
import { compareValues } from "../../shared/plan/semantics.ts";
import type { Value } from "../../shared/plan/types.ts";
import type { RangeReadable } from "../../shared/storage/async-buffer.ts";
import { ObjectNotFoundError, type ObjectStore } from "../../shared/storage/object-store.ts";
import { TaskError } from "../task-error.ts";
import { ColumnCursor, assembledCursor } from "./parquet/cursor.ts";
import type { LeafChunk } from "./parquet/nested.ts";
import { chunkRange, planColumn, type ColumnPlan } from "./parquet/plan.ts";
import type { FileReadCounters, FileStageSource } from "./readers.ts";
import type { FileSplit } from "./split-text.ts";

/** Rows per batch (a row group is cut into slices of this many rows). */
export const PARQUET_BATCH_ROWS = BATCH_ROWS;
/** Column chunks at most this far apart are fetched in one request. */
const MERGE_GAP_BYTES = 1 << 20;
/** A merged request stays below this size (a single larger chunk is one request of its own). */
const MAX_REQUEST_BYTES = 32 << 20;
/** Bytes of requests started ahead of the row group being decoded. */
const READ_AHEAD_BYTES = 64 << 20;

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

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** One ranged GET: adjacent column chunks (of one or more row groups) in one request. */
interface Request {
  readonly start: number;
  end: number;
  /** The last row group (index into `groups`) that needs it: its bytes are dropped after. */
  lastUse: number;
  bytes?: Promise<Uint8Array> | undefined;
}

/** One column chunk of a kept row group, and the request that fetches it. */
interface ChunkRead {
  readonly chunk: ColumnChunk;
  readonly start: number;
  readonly end: number;
  request: number;
}

/** A kept row group: for each output column, its leaves' chunks (undefined where the file lacks the column). */
interface GroupRead {
  readonly index: number;
  readonly rows: number;
  readonly chunks: readonly (readonly ChunkRead[] | undefined)[];
}

/** Plans the requests for the kept row groups' chunks: in file order, merged when close. */
function planRequests(groups: readonly GroupRead[]): Request[] {
  const ranges: { start: number; end: number; group: number; assign: (request: number) => void }[] = [];
  groups.forEach((g, gi) => {
    for (const c of g.chunks.flat()) {
      if (c) ranges.push({ start: c.start, end: c.end, group: gi, assign: (r) => (c.request = r) });
    }
  });
  ranges.sort((a, b) => a.start - b.start);
  const requests: Request[] = [];
  for (const r of ranges) {
    const last = requests[requests.length - 1];
    if (last && r.start <= last.end + MERGE_GAP_BYTES && Math.max(last.end, r.end) - last.start <= MAX_REQUEST_BYTES) {
      last.end = Math.max(last.end, r.end);
      last.lastUse = Math.max(last.lastUse, r.group);
    } else requests.push({ start: r.start, end: r.end, lastUse: r.group });
    r.assign(requests.length - 1);
  }
  return requests;
}

/**
 * The file as hyparquet's AsyncBuffer, keeping what it fetched: the footer read takes the
 * file's last 512 KB, which for a small file is all of it, and chunks inside it need no GET.
 */
function footerBuffer(store: ObjectStore, file: FileSplit): { buffer: RangeReadable; fetched: { start: number; bytes: Uint8Array }[] } {
  const fetched: { start: number; bytes: Uint8Array }[] = [];
  const buffer: RangeReadable = {
    byteLength: file.size,
    slice: async (start, end = file.size) => {
      const bytes = await store.get(file.uri, { offset: start, length: end - start });
      fetched.push({ start, bytes });
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
  return { buffer, fetched };
}

export async function* readParquetSplit(source: FileStageSource, file: FileSplit, store: ObjectStore, counters: FileReadCounters): BatchStream {
  const { buffer, fetched } = footerBuffer(store, file);
  let metadata: FileMetaData;
  let tree: SchemaTree;
  try {
    metadata = await parquetMetadataAsync(buffer);
    tree = parquetSchema(metadata);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) throw new TaskError("InputNotFound", error.message);
    throw new TaskError("BadInput", `${file.uri}: not a readable Parquet file (${message(error)})`);
  }
  const fields = sourceSchema(source).fields;
  // A merged schema may name columns this file lacks: they read as null here.
  const plans: (ColumnPlan | undefined)[] = fields.map((f) => planColumn(tree, f.name, f.type, file.uri));
  const leafPaths = plans.map((p) => p?.leafPaths.map((path) => path.slice(1).map((s) => s.element.name).join(".")));

  // Which row groups to read; the statistics decide before anything is fetched, so that the
  // kept groups' chunks can be requested ahead of decoding.
  const keep: boolean[] = [];
  const groups: GroupRead[] = [];
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const group = metadata.row_groups[g]!;
    const rows = Number(group.num_rows);
    keep[g] = source.filters.length === 0 || source.filters.every((f) => mayMatch(f, groupStats(metadata, g)));
    if (!keep[g] || rows === 0) continue;
    const byPath = new Map(group.columns.map((c) => [c.meta_data?.path_in_schema.join(".") ?? "", c]));
    const chunks = leafPaths.map((paths) =>
      paths?.map((path) => {
        const chunk = byPath.get(path);
        if (!chunk?.meta_data) throw new TaskError("BadInput", `${file.uri}: row group ${g} has no column chunk for "${path}"`);
        const { start, end } = chunkRange(chunk);
        if (!(start >= 0 && end <= file.size && start <= end)) throw new TaskError("BadInput", `${file.uri}: the chunk of column "${path}" in row group ${g} lies outside the file`);
        return { chunk, start, end, request: -1 };
      }),
    );
    groups.push({ index: g, rows, chunks });
  }
  const requests = planRequests(groups);

  let started = 0;
  let aheadBytes = 0;
  const startRequests = (upTo: number) => {
    while (started < requests.length && (started <= upTo || aheadBytes < READ_AHEAD_BYTES)) {
      const r = requests[started++]!;
      const length = r.end - r.start;
      aheadBytes += length;
      const have = fetched.find((f) => f.start <= r.start && r.end <= f.start + f.bytes.length);
      if (have) {
        r.bytes = Promise.resolve(have.bytes.subarray(r.start - have.start, r.end - have.start));
        continue;
      }
      r.bytes = store.get(file.uri, { offset: r.start, length }).then(
        (bytes) => {
          if (bytes.length < length) throw new TaskError("BadInput", `${file.uri}: the file ends inside a column chunk (read ${bytes.length} of ${length} bytes at ${r.start})`);
          return bytes;
        },
        (error: unknown) => {
          throw error instanceof ObjectNotFoundError ? new TaskError("InputNotFound", error.message) : error;
        },
      );
      // Awaited when its row group is decoded; until then a failure must not go unhandled.
      r.bytes.catch(() => undefined);
    }
  };

  const nulls = new Map<number, Vector>();
  const nullsOf = (n: number) => nulls.get(n) ?? (nulls.set(n, nullVector(n)), nulls.get(n)!);

  let next = 0;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    counters.rowGroups++;
    if (!keep[g]) {
      counters.rowGroupsSkipped++;
      continue;
    }
    const read = groups[next];
    if (read?.index !== g) continue;
    const gi = next++;
    const needed = Math.max(-1, ...read.chunks.flat().map((c) => c?.request ?? -1));
    startRequests(needed);
    const bytesOf = async (chunk: ChunkRead) => {
      const request = requests[chunk.request]!;
      return (await request.bytes!).subarray(chunk.start - request.start, chunk.end - request.start);
    };
    const cursors: ({ take(n: number): Vector } | undefined)[] = [];
    for (let c = 0; c < plans.length; c++) {
      const plan = plans[c];
      const chunks = read.chunks[c];
      if (plan === undefined || chunks === undefined) {
        cursors.push(undefined);
      } else if (plan.nested) {
        const leaves: LeafChunk[] = [];
        for (let l = 0; l < chunks.length; l++) leaves.push({ path: plan.leafPaths[l]!, bytes: await bytesOf(chunks[l]!), codec: chunks[l]!.chunk.meta_data!.codec });
        cursors.push(assembledCursor(plan, leaves, read.rows, file.uri, g));
      } else {
        cursors.push(new ColumnCursor(await bytesOf(chunks[0]!), plan, chunks[0]!.chunk.meta_data!.codec, read.rows, file.uri, g));
      }
    }
    // The requests this group was the last to use can go (their bytes live on in the cursors).
    for (let r = 0; r < started; r++) {
      const request = requests[r]!;
      if (request.lastUse === gi && request.bytes !== undefined) {
        request.bytes = undefined;
        aheadBytes -= request.end - request.start;
      }
    }
    for (let at = 0; at < read.rows; at += PARQUET_BATCH_ROWS) {
      const n = Math.min(PARQUET_BATCH_ROWS, read.rows - at);
      yield denseBatch(cursors.map((cursor) => (cursor === undefined ? nullsOf(n) : cursor.take(n))), n);
    }
  }
}
