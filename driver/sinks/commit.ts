/**
 * The commit protocol of file writes. S3 has no rename and no atomic directory swap, so a
 * dataset's content is defined by its manifest (`_SUCCESS`, shared/storage/manifest.ts):
 *
 * 1. Tasks write their files under `<path>/_temporary/<jobToken>/` (ignored by readers, as
 *    Spark's committers arrange). A retried or speculative attempt writes its own name.
 * 2. Once every task succeeded, the driver copies each winning file to
 *    `<path>/part-<partition>-<jobToken>.<ext>` (a server-side copy on S3), then writes the
 *    manifest listing the committed files (for append: the old ones too) in one PUT: that is
 *    the commit point. Then it deletes the files an overwrite replaced, and the temporary folder.
 * 3. A failed job deletes its temporary folder; the manifest, and so what readers see, is
 *    unchanged. Files copied before a failure during commit carry the job's token and are
 *    not listed, so readers ignore them; they are deleted too.
 */
import { FORMAT_EXTENSION, type FileFormat } from "../../shared/plan/file-source.ts";
import { MANIFEST_VERSION, manifestUri, readManifest, type Manifest } from "../../shared/storage/manifest.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import type { TaskSuccess } from "../../shared/task.ts";

export const temporaryDir = (path: string, jobToken: string) => `${path}_temporary/${jobToken}/`;

/** What is in the dataset directory now: the committed files and every other data object. */
export async function existingData(store: ObjectStore, path: string): Promise<{ manifest: Manifest | undefined; dataFiles: string[] }> {
  const manifest = await readManifest(store, path);
  const objects = await store.list(path);
  const dataFiles = objects
    .map((o) => o.uri)
    .filter((uri) => {
      const rest = uri.slice(path.length);
      return !rest.split("/").some((part) => part.startsWith("_") || part.startsWith("."));
    });
  return { manifest, dataFiles };
}

export async function abortWrite(store: ObjectStore, path: string, jobToken: string): Promise<void> {
  const temp = await store.list(temporaryDir(path, jobToken));
  const copied = (await store.list(path)).filter((o) => o.uri.includes(`-${jobToken}.`));
  const doomed = [...temp, ...copied].map((o) => o.uri);
  if (doomed.length) await store.delete(doomed);
}

export async function commitWrite(
  store: ObjectStore,
  spec: { path: string; format: FileFormat; append: boolean },
  jobToken: string,
  results: readonly TaskSuccess[],
): Promise<Manifest> {
  const before = await existingData(store, spec.path);
  const committed: Manifest["files"] = [];
  for (const result of [...results].sort((a, b) => a.partition - b.partition)) {
    if (result.output.kind !== "written") throw new Error(`internal: write task ${result.partition} returned ${result.output.kind}`);
    for (const file of result.output.files) {
      const name = `${file.partitionPath}part-${String(result.partition).padStart(5, "0")}-${jobToken}.${FORMAT_EXTENSION[spec.format]}`;
      await store.copy(file.uri, `${spec.path}${name}`);
      committed.push({ name, size: file.size, rows: file.rows });
    }
  }
  // Appending keeps what readers saw before: the old manifest's files, or the old data objects.
  const kept: Manifest["files"] = !spec.append
    ? []
    : (before.manifest?.files ?? before.dataFiles.map((uri) => ({ name: uri.slice(spec.path.length), size: 0, rows: 0 })));
  const manifest: Manifest = {
    sparkfnManifest: MANIFEST_VERSION,
    jobToken,
    format: spec.format,
    committedAt: new Date().toISOString(),
    files: [...kept, ...committed],
  };
  await store.put(manifestUri(spec.path), JSON.stringify(manifest, null, 1));
  // After the commit point: remove what an overwrite replaced, and the temporary files.
  const listed = new Set(manifest.files.map((f) => `${spec.path}${f.name}`));
  const replaced = before.dataFiles.filter((uri) => !listed.has(uri));
  if (replaced.length) await store.delete(replaced);
  const temp = await store.list(temporaryDir(spec.path, jobToken));
  if (temp.length) await store.delete(temp.map((o) => o.uri));
  return manifest;
}
