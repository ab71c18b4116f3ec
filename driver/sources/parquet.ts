/**
 * Parquet schemas on the driver, from the footer of each file (ranged GETs for the footer
 * only). Files of one dataset are merged by column name, as Spark's mergeSchema: a column
 * missing from some files is read as null there; a column whose type differs between files
 * is an error naming both files. The footers also give the dataset's row count (when every
 * file's footer was read), which the optimizer orders joins by.
 */
import { parquetMetadataAsync, parquetSchema } from "hyparquet";
import { parquetType } from "../../shared/codecs/parquet-types.ts";
import { sparkIntervalColumns } from "../../shared/codecs/spark-parquet-schema.ts";
import { objectAsyncBuffer } from "../../shared/storage/async-buffer.ts";
import { intervalOf, widerInterval, type Field, type Schema } from "../../shared/plan/types.ts";
import type { ObjectInfo, ObjectStore } from "../../shared/storage/object-store.ts";

type Tree = ReturnType<typeof parquetSchema>;

/** Footers read for the schema (and the row count, when the dataset has no more files). */
const MAX_FOOTERS = 64;

type Metadata = Awaited<ReturnType<typeof parquetMetadataAsync>>;
type Range = readonly [min: bigint, max: bigint];

/** Each top-level integer column's [min, max] over the file's row groups (absent when a row group has no statistics for it). */
function integerRanges(metadata: Metadata): Map<string, Range> {
  const ranges = new Map<string, Range | null>();
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      if (!meta || meta.path_in_schema.length !== 1 || (meta.type !== "INT32" && meta.type !== "INT64")) continue;
      const name = meta.path_in_schema[0]!;
      const [min, max] = [meta.statistics?.min_value ?? meta.statistics?.min, meta.statistics?.max_value ?? meta.statistics?.max];
      const known = ranges.get(name);
      const ok = (v: unknown): v is bigint | number => typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v));
      if (known === null || !ok(min) || !ok(max)) ranges.set(name, null);
      else ranges.set(name, known ? [BigInt(min) < known[0] ? BigInt(min) : known[0], BigInt(max) > known[1] ? BigInt(max) : known[1]] : [BigInt(min), BigInt(max)]);
    }
  }
  return new Map([...ranges].filter((e): e is [string, Range] => e[1] !== null));
}

async function fileSchema(store: ObjectStore, file: ObjectInfo): Promise<{ fields: Field[]; rows: number; ranges: Map<string, Range> }> {
  const buffer = objectAsyncBuffer(store, file.uri, file.size);
  let metadata: Metadata;
  let tree: Tree;
  try {
    metadata = await parquetMetadataAsync(buffer);
    tree = parquetSchema(metadata);
  } catch (error) {
    throw new Error(`${file.uri} is not a readable Parquet file: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Lists, maps and structs map to array, map and struct types (shared/codecs/parquet-types.ts);
  // a plain INT64 or INT32 that Spark's schema in the metadata calls an interval is that interval.
  const intervals = sparkIntervalColumns(metadata.key_value_metadata);
  const fields = tree.children.map((child) => {
    const interval = intervals.get(child.element.name);
    const plain = child.children.length === 0 && child.element.converted_type === undefined && child.element.logical_type === undefined;
    const fits = interval !== undefined && plain && child.element.type === (intervalOf(interval)!.kind === "daytime" ? "INT64" : "INT32");
    return { name: child.element.name, type: fits ? interval : parquetType(child, file.uri), nullable: true };
  });
  return { fields, rows: Number(metadata.num_rows), ranges: integerRanges(metadata) };
}

/** What the footers tell the planner: see FileSource's rowCount and distinctAtMost. */
export interface ParquetFooters {
  readonly schema: Schema;
  readonly rowCount?: number;
  readonly distinctAtMost?: Readonly<Record<string, number>>;
}

/**
 * The merged schema; when every footer was read (at most MAX_FOOTERS files), the rows of all
 * files and, for each integer column every row group has statistics for, max - min + 1 over
 * all of them (a bound on its distinct values).
 */
export async function parquetFooters(store: ObjectStore, files: readonly ObjectInfo[]): Promise<ParquetFooters> {
  const merged: Field[] = [];
  const from = new Map<string, string>();
  let rowCount = 0;
  let ranges: Map<string, Range> | undefined;
  for (const file of files.slice(0, MAX_FOOTERS)) {
    const { fields, rows, ranges: own } = await fileSchema(store, file);
    rowCount += rows;
    ranges = ranges ? widen(ranges, own) : own;
    for (const field of fields) {
      const known = merged.find((f) => f.name === field.name);
      if (!known) {
        merged.push(field);
        from.set(field.name, file.uri);
      } else if (known.type !== field.type) {
        // Intervals of one kind hold the same unit in every file: the widest fields hold them all.
        const kind = intervalOf(known.type)?.kind;
        if (kind !== undefined && intervalOf(field.type)?.kind === kind) {
          merged[merged.indexOf(known)] = { ...known, type: widerInterval(known.type, field.type) };
          continue;
        }
        throw new Error(`Parquet files disagree on column "${field.name}": ${known.type} in ${from.get(field.name)}, ${field.type} in ${file.uri}.`);
      }
    }
  }
  const schema = { fields: merged };
  if (files.length > MAX_FOOTERS || !Number.isSafeInteger(rowCount)) return { schema };
  const distinctAtMost = Object.fromEntries([...(ranges ?? [])].map(([name, [min, max]]) => [name, Math.min(rowCount, Number(max - min + 1n))]));
  return { schema, rowCount, ...(Object.keys(distinctAtMost).length ? { distinctAtMost } : {}) };
}

/** Ranges of columns both files bound, each widened to cover both. */
function widen(a: Map<string, Range>, b: Map<string, Range>): Map<string, Range> {
  const out = new Map<string, Range>();
  for (const [name, [min, max]] of a) {
    const other = b.get(name);
    if (other) out.set(name, [other[0] < min ? other[0] : min, other[1] > max ? other[1] : max]);
  }
  return out;
}

export async function parquetFileSchema(store: ObjectStore, files: readonly ObjectInfo[]): Promise<Schema> {
  return (await parquetFooters(store, files)).schema;
}
