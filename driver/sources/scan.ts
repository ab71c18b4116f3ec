/**
 * File scans on the driver: list the inputs, settle the options and the schema (declared,
 * or read from the files: a CSV header and sample, a JSON lines sample, a Parquet footer)
 * before any task runs.
 */
import { DEFAULT_CORRUPT_COLUMN, isGzip, parseMode, type FileFormat } from "../../shared/plan/file-source.ts";
import type { LogicalPlan } from "../../shared/plan/logical.ts";
import type { Schema } from "../../shared/plan/types.ts";
import type { ObjectInfo, ObjectStore } from "../../shared/storage/object-store.ts";
import { gunzipSync } from "node:zlib";
import { inferCsvSchema } from "./csv.ts";
import { inferJsonSchema } from "./json.ts";
import { listInputFiles } from "./list-files.ts";
import { parquetFileSchema } from "./parquet.ts";

/** Schema inference reads at most this much of the first file. */
const SAMPLE_BYTES = 1 << 20;

const isTrue = (v: string | undefined) => v !== undefined && v.toLowerCase() === "true";

async function sampleText(store: ObjectStore, file: ObjectInfo): Promise<string> {
  if (isGzip(file.uri)) return gunzipSync(await store.get(file.uri)).toString("utf8").slice(0, SAMPLE_BYTES);
  const text = new TextDecoder().decode(await store.get(file.uri, { offset: 0, length: Math.min(file.size, SAMPLE_BYTES) }));
  return file.size > SAMPLE_BYTES ? text.slice(0, text.lastIndexOf("\n") + 1) : text;
}

type Infer = (store: ObjectStore, files: readonly ObjectInfo[], options: Readonly<Record<string, string>>) => Promise<Schema>;

const INFER: Record<FileFormat, Infer> = {
  csv: async (store, files, options) => inferCsvSchema(await sampleText(store, files[0]!), isTrue(options.header), isTrue(options.inferSchema)),
  json: async (store, files) => inferJsonSchema(await sampleText(store, files[0]!)),
  text: async () => ({ fields: [{ name: "value", type: "string", nullable: true }] }),
  parquet: (store, files) => parquetFileSchema(store, files[0]!),
};

export async function resolveScan(
  store: ObjectStore,
  format: FileFormat,
  paths: readonly string[],
  options: Readonly<Record<string, string>>,
  declared: Schema | null,
): Promise<Extract<LogicalPlan, { kind: "scan" }>> {
  const files = (await Promise.all(paths.map((p) => listInputFiles(store, p)))).flat();
  const schema = declared ?? (await INFER[format](store, files, options));
  const corruptName = options.columnNameOfCorruptRecord ?? DEFAULT_CORRUPT_COLUMN;
  const corrupt = schema.fields.find((f) => f.name === corruptName);
  if (corrupt && corrupt.type !== "string") {
    throw new Error(`The corrupt record column "${corruptName}" must be of type string, not ${corrupt.type}.`);
  }
  return {
    kind: "scan",
    source: {
      format,
      files: files.map((f) => ({ uri: f.uri, size: f.size })),
      schema,
      options: { header: isTrue(options.header), mode: parseMode(options.mode), corruptColumn: corrupt ? corruptName : null },
      multiLine: isTrue(options.multiLine),
    },
    columns: null,
    pushedFilters: [],
  };
}
