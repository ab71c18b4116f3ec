/**
 * File scans on the driver: list the inputs, settle the options and the schema (declared,
 * or read from the files: a CSV header and sample, a JSON lines sample, a Parquet footer)
 * before any task runs.
 */
import { parseTimestamp, parseTimestampNtz } from "../../shared/plan/functions/timestamps.ts";
import { DEFAULT_TIME_ZONE, timeZone } from "../../shared/plan/functions/time-zone.ts";
import { timestampParserOf } from "../../shared/plan/functions/timestamp-patterns.ts";
import { DEFAULT_CORRUPT_COLUMN, isGzip, parseMode, type FileFormat } from "../../shared/plan/file-source.ts";
import type { LogicalPlan } from "../../shared/plan/logical.ts";
import type { DataType, Scalar, Schema } from "../../shared/plan/types.ts";
import { castLoose } from "../../shared/plan/semantics.ts";
import { literalOfBox } from "../../shared/plan/decimal.ts";
import type { ObjectInfo, ObjectStore } from "../../shared/storage/object-store.ts";
import { gunzipSync } from "node:zlib";
import { inferCsvSchema } from "./csv.ts";
import { inferJsonSchema } from "./json.ts";
import { listInputFiles } from "./list-files.ts";
import { discoverPartitions } from "./partitions.ts";
import { parquetFooters, type ParquetFooters } from "./parquet.ts";

/** Schema inference reads at most this much of a file. */
const SAMPLE_BYTES = 1 << 20;

const isTrue = (v: string | undefined) => v !== undefined && v.toLowerCase() === "true";

async function sampleText(store: ObjectStore, file: ObjectInfo): Promise<string> {
  if (isGzip(file.uri)) return gunzipSync(await store.get(file.uri)).toString("utf8").slice(0, SAMPLE_BYTES);
  const text = new TextDecoder().decode(await store.get(file.uri, { offset: 0, length: Math.min(file.size, SAMPLE_BYTES) }));
  return file.size > SAMPLE_BYTES ? text.slice(0, text.lastIndexOf("\n") + 1) : text;
}

/** What reading the files told: their schema, and (Parquet footers) how many rows they hold. */
type Infer = (store: ObjectStore, files: readonly ObjectInfo[], options: Readonly<Record<string, string>>) => Promise<ParquetFooters>;

const INFER: Record<FileFormat, Infer> = {
  csv: async (store, files, options) => ({ schema: inferCsvSchema(await sampleText(store, files[0]!), isTrue(options.header), isTrue(options.inferSchema)) }),
  // JSON records vary from file to file (a partitioned dataset's first file may hold only whole
  // numbers of a double column): sample the start of up to 32 files.
  json: async (store, files) => ({ schema: inferJsonSchema((await Promise.all(files.slice(0, 32).map((f) => sampleText(store, f)))).join("\n")) }),
  text: async (_store, _files, options) => ({
    schema: { fields: [...(isTrue(options.wholetext) ? [{ name: "path", type: "string" as const, nullable: false }] : []), { name: "value", type: "string", nullable: true }] },
  }),
  parquet: (store, files) => parquetFooters(store, files),
};

/** The scan's timestampFormat and timeZone (the option, else the session's; checked here, so a bad one fails before any task). */
function timestampOptions(options: Readonly<Record<string, string>>, sessionTimeZone: string): { timeZone?: string; timestampFormat?: string; timestampNTZFormat?: string } {
  const zone = options.timeZone ?? sessionTimeZone;
  timeZone(zone);
  if (options.timestampFormat !== undefined) timestampParserOf(options.timestampFormat);
  if (options.timestampNTZFormat !== undefined) timestampParserOf(options.timestampNTZFormat);
  return {
    ...(zone !== DEFAULT_TIME_ZONE ? { timeZone: zone } : {}),
    ...(options.timestampFormat !== undefined ? { timestampFormat: options.timestampFormat } : {}),
    ...(options.timestampNTZFormat !== undefined ? { timestampNTZFormat: options.timestampNTZFormat } : {}),
  };
}

export async function resolveScan(
  store: ObjectStore,
  format: FileFormat,
  paths: readonly string[],
  options: Readonly<Record<string, string>>,
  declared: Schema | null,
  sessionTimeZone: string = DEFAULT_TIME_ZONE,
): Promise<Extract<LogicalPlan, { kind: "scan" }>> {
  const listed = await Promise.all(paths.map(async (path) => ({ path, files: await listInputFiles(store, path, format === "text" && isTrue(options.wholetext)) })));
  // Partition columns from key=value folders below each directory path (all paths must agree).
  const discovered = listed.map(({ path, files }) => {
    const isDirectory = !(files.length === 1 && files[0]!.uri === path) && !/[*?[]/.test(path);
    return isDirectory ? discoverPartitions(path.endsWith("/") ? path : `${path}/`, files.map((f) => f.uri)) : { fields: [], values: files.map(() => []) };
  });
  const partitionFields = discovered[0]!.fields;
  discovered.forEach((d, i) => {
    if (d.fields.map((f) => f.name).join("/") !== partitionFields.map((f) => f.name).join("/")) {
      throw new Error(`The paths ${paths[0]} and ${paths[i]} have different partition folders (${partitionFields.map((f) => f.name).join("/") || "none"} vs ${d.fields.map((f) => f.name).join("/") || "none"}).`);
    }
  });
  const files = listed.flatMap(({ files }, i) => files.map((f, j) => ({ uri: f.uri, size: f.size, partitionValues: discovered[i]!.values[j]! as Scalar[] })));
  if (files.length === 0 && !declared && format !== "text") {
    throw new Error(`The dataset at ${paths.join(", ")} has no files (it was written empty): give its schema to read it, e.g. .schema("id INT, name STRING").`);
  }
  const inferred = declared ? undefined : await INFER[format](store, files, options);
  const dataSchema = declared ?? inferred!.schema;
  // Partition columns always come from the folders (a declared schema may name them to set their type).
  const partitionColumns = partitionFields.map((f) => f.name);
  const schema = {
    fields: [
      ...dataSchema.fields.filter((f) => !partitionColumns.includes(f.name)),
      ...partitionFields.map((f) => dataSchema.fields.find((d) => d.name === f.name) ?? f),
    ],
  };
  // A timestamp_ntz folder value is its wall clock's text, read with no zone.
  const readTimestampText = (text: string, type: DataType = "timestamp"): Scalar => {
    try {
      return type === "timestamp_ntz" ? parseTimestampNtz(text) : parseTimestamp(text, timeZone(options.timeZone ?? sessionTimeZone));
    } catch {
      throw new Error(`The partition folder value "${text}" is not a timestamp: declare the column as a string, or fix the folder name.`);
    }
  };
  const corruptName = options.columnNameOfCorruptRecord ?? DEFAULT_CORRUPT_COLUMN;
  const corrupt = schema.fields.find((f) => f.name === corruptName);
  if (corrupt && corrupt.type !== "string") {
    throw new Error(`The corrupt record column "${corruptName}" must be of type string, not ${corrupt.type}.`);
  }
  return {
    kind: "scan",
    source: {
      format,
      files: files.map((f) => {
        if (partitionColumns.length === 0) return { uri: f.uri, size: f.size };
        // Folder values in the partition columns' types (a declared schema may choose them).
        const types = partitionColumns.map((c) => schema.fields.find((f) => f.name === c)!.type);
        // A timestamp folder value is its text in the scan's time zone (as written), read as Spark's cast reads it.
        const folderValue = (v: Scalar, type: DataType): Scalar =>
          type === "timestamp" || type === "timestamp_ntz" ? readTimestampText(String(v), type) : (literalOfBox(castLoose(type)(String(v)), type) as Scalar);
        return { uri: f.uri, size: f.size, partitionValues: f.partitionValues.map((v, i) => (v === null ? null : folderValue(v, types[i]!))) };
      }),
      schema,
      partitionColumns,
      options: {
        header: isTrue(options.header),
        mode: parseMode(options.mode),
        corruptColumn: corrupt ? corruptName : null,
        ...(format === "text" && isTrue(options.wholetext) ? { wholeText: true } : {}),
        ...timestampOptions(options, sessionTimeZone),
      },
      // Whole-text files are read whole, as multi-line records are.
      multiLine: isTrue(options.multiLine) || (format === "text" && isTrue(options.wholetext)),
      ...(inferred?.rowCount !== undefined ? { rowCount: inferred.rowCount } : {}),
      ...(inferred?.distinctAtMost ? { distinctAtMost: inferred.distinctAtMost } : {}),
    },
    columns: null,
    pushedFilters: [],
  };
}
