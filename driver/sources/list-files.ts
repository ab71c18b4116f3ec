import type { ObjectInfo, ObjectStore } from "../../shared/storage/object-store.ts";

/** Like Spark, files whose name starts with `_` or `.` (markers, temp files) are not data. */
function isDataObject(info: ObjectInfo): boolean {
  const name = info.uri.slice(info.uri.lastIndexOf("/") + 1);
  return info.size > 0 && !name.startsWith("_") && !name.startsWith(".");
}

/** The data objects of a path: the object itself, or every data object under it as a prefix. */
export async function listInputFiles(store: ObjectStore, path: string): Promise<ObjectInfo[]> {
  const exact = path.endsWith("/") ? undefined : await store.head(path);
  if (exact) return [exact];
  const prefix = path.endsWith("/") ? path : `${path}/`;
  const objects = (await store.list(prefix)).filter(isDataObject);
  if (objects.length === 0) {
    throw new Error(`Path does not exist: ${path} (no object there, and no data objects under it as a prefix).`);
  }
  return objects;
}
