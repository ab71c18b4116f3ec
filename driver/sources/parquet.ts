/** Parquet schemas on the driver: read from the first file's footer (one ranged GET or two). */
import type { Schema } from "../../shared/plan/types.ts";
import type { ObjectInfo, ObjectStore } from "../../shared/storage/object-store.ts";

export async function parquetFileSchema(_store: ObjectStore, file: ObjectInfo): Promise<Schema> {
  throw new Error(`Reading Parquet (${file.uri}) is not wired in yet.`);
}
