/**
 * Parquet schemas on the driver, from the footer of each file (ranged GETs for the footer
 * only). Files of one dataset are merged by column name, as Spark's mergeSchema: a column
 * missing from some files is read as null there; a column whose type differs between files
 * is an error naming both files.
 */
import { parquetMetadataAsync, parquetSchema } from "hyparquet";
import { parquetType } from "../../shared/codecs/parquet-types.ts";
import { objectAsyncBuffer } from "../../shared/storage/async-buffer.ts";
import type { Field, Schema } from "../../shared/plan/types.ts";
import type { ObjectInfo, ObjectStore } from "../../shared/storage/object-store.ts";

type Tree = ReturnType<typeof parquetSchema>;

async function fileSchema(store: ObjectStore, file: ObjectInfo): Promise<Field[]> {
  const buffer = objectAsyncBuffer(store, file.uri, file.size);
  let tree: Tree;
  try {
    tree = parquetSchema(await parquetMetadataAsync(buffer));
  } catch (error) {
    throw new Error(`${file.uri} is not a readable Parquet file: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Lists, maps and structs map to array, map and struct types (shared/codecs/parquet-types.ts).
  return tree.children.map((child) => ({ name: child.element.name, type: parquetType(child, file.uri), nullable: true }));
}

export async function parquetFileSchema(store: ObjectStore, files: readonly ObjectInfo[]): Promise<Schema> {
  const merged: Field[] = [];
  const from = new Map<string, string>();
  for (const file of files.slice(0, 64)) {
    for (const field of await fileSchema(store, file)) {
      const known = merged.find((f) => f.name === field.name);
      if (!known) {
        merged.push(field);
        from.set(field.name, file.uri);
      } else if (known.type !== field.type) {
        throw new Error(`Parquet files disagree on column "${field.name}": ${known.type} in ${from.get(field.name)}, ${field.type} in ${file.uri}.`);
      }
    }
  }
  return { fields: merged };
}
