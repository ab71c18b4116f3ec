/**
 * Parquet schemas on the driver, from the footer of each file (ranged GETs for the footer
 * only). Files of one dataset are merged by column name, as Spark's mergeSchema: a column
 * missing from some files is read as null there; a column whose type differs between files
 * is an error naming both files.
 */
import { parquetMetadataAsync, parquetSchema } from "hyparquet";
import { sparkfnType } from "../../shared/codecs/parquet-types.ts";
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
  return tree.children.map((child) => {
    const e = child.element;
    // A LIST of strings (three-level list: name / list / element).
    if (e.converted_type === "LIST" || e.logical_type?.type === "LIST") {
      const leaf = child.children[0]?.children[0]?.element ?? child.children[0]?.element;
      if (leaf && (leaf.type === "BYTE_ARRAY" || leaf.converted_type === "UTF8")) return { name: e.name, type: "array<string>", nullable: true };
      throw new Error(`${file.uri}: column "${e.name}" is a list of ${leaf?.type ?? "groups"}; sparkfn reads lists of strings only.`);
    }
    if (child.children.length > 0) throw new Error(`${file.uri}: column "${e.name}" is a nested group, which sparkfn does not read.`);
    return { name: e.name, type: sparkfnType({ name: e.name, type: e.type, convertedType: e.converted_type, logicalType: e.logical_type?.type }, file.uri), nullable: true };
  });
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
