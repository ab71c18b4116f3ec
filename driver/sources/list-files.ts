/**
 * The data objects of an input path: one object, every data object under a prefix (a
 * "directory"), or the objects matching a glob (`*`, `?`, `[...]`, as Hadoop globs).
 *
 * Like Spark, objects under a path component that starts with `_` or `.` are not data
 * (`_SUCCESS`, `_temporary/`, `.crc` files). When the directory holds a sparkfn commit
 * manifest (`_SUCCESS` with a file list), only the committed files are read, so a reader
 * never sees files of a write in progress or of an overwrite that has not committed.
 */
import { AnalysisError } from "../../shared/plan/resolve.ts";
import { readManifest } from "../../shared/storage/manifest.ts";
import type { ObjectInfo, ObjectStore } from "../../shared/storage/object-store.ts";

/** A path holding one of these is a pattern. */
export const GLOB = /[*?[]/;

function hiddenBelow(prefix: string, uri: string): boolean {
  return uri
    .slice(prefix.length)
    .split("/")
    .some((part) => part.startsWith("_") || part.startsWith("."));
}

/** A glob (`*` and `?` within one path component, `[...]`) as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i);
      if (end < 0) throw new Error(`Unclosed "[" in the path pattern "${glob}".`);
      source += `[${glob.slice(i + 1, end).replace(/\\/g, "\\\\")}]`;
      i = end;
    } else source += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** Empty objects are skipped (S3 folder markers, empty part files) unless `keepEmpty` (whole-text reads: every file is a record). */
const isData = (o: ObjectInfo, keepEmpty: boolean) => o.size > 0 || (keepEmpty && !o.uri.endsWith("/"));

async function listDirectory(store: ObjectStore, prefix: string, keepEmpty: boolean): Promise<ObjectInfo[]> {
  const committed = await readManifest(store, prefix);
  const all = await store.list(prefix);
  if (committed) {
    const sizes = new Map(all.map((o) => [o.uri, o.size]));
    return committed.files.flatMap((f) => {
      const uri = `${prefix}${f.name}`;
      const size = sizes.get(uri);
      if (size === undefined) throw new Error(`The committed file ${uri}, listed in ${prefix}_SUCCESS, is missing: the dataset was changed outside sparkfn.`);
      return isData({ uri, size }, keepEmpty) ? [{ uri, size }] : [];
    });
  }
  return all.filter((o) => isData(o, keepEmpty) && !hiddenBelow(prefix, o.uri));
}

export async function listInputFiles(store: ObjectStore, path: string, keepEmpty = false): Promise<ObjectInfo[]> {
  if (GLOB.test(path)) {
    const base = path.slice(0, path.slice(0, path.search(GLOB)).lastIndexOf("/") + 1);
    const pattern = globToRegExp(path);
    const matches = (await store.list(base)).filter((o) => isData(o, keepEmpty) && pattern.test(o.uri) && !hiddenBelow(base, o.uri));
    if (matches.length === 0) throw new AnalysisError(`Path does not exist: no object matches the pattern ${path}.`);
    return matches;
  }
  const exact = path.endsWith("/") ? undefined : await store.head(path);
  if (exact) return [exact];
  const prefix = path.endsWith("/") ? path : `${path}/`;
  const objects = await listDirectory(store, prefix, keepEmpty);
  // A dataset sparkfn committed with no rows (an empty result was written): empty, not missing.
  if (objects.length === 0 && (await readManifest(store, prefix))) return [];
  if (objects.length === 0) {
    // As Spark's AnalysisException: the job names an input that is not there; retrying cannot help.
    throw new AnalysisError(`Path does not exist: ${path} (no object there, and no data objects under it as a prefix).`);
  }
  return objects;
}
