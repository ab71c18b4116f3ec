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
 * 3. A failed or cancelled job deletes its temporary folder; the manifest, and so what readers
 *    see, is unchanged. Files copied before a failure during commit carry the job's token and
 *    are not listed, so readers ignore them; they are deleted too. A failure after the commit
 *    point (deleting replaced or temporary files) does not undo the commit: it is logged.
 *
 * Abandoned attempts (the loser of a speculative pair, an attempt past its deadline, the
 * tasks of a failed job) never commit: the driver copies only the files of the attempt it
 * accepted, named by that attempt (writeAttemptFileUri), and refuses any other file a result
 * names. On local[N] an abandoned attempt's worker is terminated before the job ends. A Lambda
 * invocation cannot be stopped, though: one still running after the job ended may add files
 * under `<path>/_temporary/<jobToken>/` after this cleanup. Readers never see them (paths
 * starting with `_` are not data) and no commit lists them. Executors tag attempt files
 * (TEMPORARY_OBJECT_TAG), so the bucket's lifecycle rule expires them, as it expires what a
 * crashed driver leaves under `apps/`; the commit's copies carry no tags (ObjectStore.copy).
 */
import { rm, rmdir } from "node:fs/promises";
import { InternalError } from "../../shared/errors.ts";
import { FORMAT_EXTENSION, type FileFormat } from "../../shared/plan/file-source.ts";
import { TEMPORARY_FOLDER, writeAttemptFileUri } from "../../shared/storage/keys.ts";
import { toLocalPath } from "../../shared/storage/local-store.ts";
import { MANIFEST_VERSION, manifestUri, readManifest, type Manifest } from "../../shared/storage/manifest.ts";
import { isS3Uri, type ObjectStore } from "../../shared/storage/object-store.ts";
import type { TaskSuccess } from "../../shared/task.ts";
import { log } from "../monitoring/log.ts";

export const temporaryDir = (path: string, jobToken: string) => `${path}${TEMPORARY_FOLDER}${jobToken}/`;

/** A write task's result names a file that is not its own attempt's: it is never committed. */
export class UnacceptedFileError extends InternalError {
  override readonly name = "UnacceptedFileError";
  constructor(
    readonly uri: string,
    readonly expected: string,
  ) {
    super(`the write task result names ${uri}, which is not a file of the accepted attempt (expected ${expected}); refusing to commit it`);
  }
}

/** `key=value/` folders, as the executor builds them (values URL-encoded): never `..` or an absolute path. */
const PARTITION_PATH = /^(?:[^/=]+=[^/]*\/)*$/;

/** Deletes a job's temporary folder: its attempts' files, and on a local disk the emptied folders. */
async function discardTemporary(store: ObjectStore, path: string, jobToken: string): Promise<void> {
  const temp = temporaryDir(path, jobToken);
  const objects = await store.list(temp);
  if (objects.length) await store.delete(objects.map((o) => o.uri));
  if (isS3Uri(path)) return;
  // S3 has no folders; a local disk keeps the emptied ones. `_temporary/` stays while another job uses it.
  await rm(toLocalPath(temp), { recursive: true, force: true });
  await rmdir(toLocalPath(`${path}${TEMPORARY_FOLDER}`)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT" && error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
  });
}

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

/** Undoes a write that did not reach its commit point: its temporary files and any copies already made. */
export async function abortWrite(store: ObjectStore, path: string, jobToken: string): Promise<void> {
  const copied = (await store.list(path)).filter((o) => !o.uri.startsWith(temporaryDir(path, jobToken)) && o.uri.includes(`-${jobToken}.`));
  if (copied.length) await store.delete(copied.map((o) => o.uri));
  await discardTemporary(store, path, jobToken);
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
    if (result.output.kind !== "written") throw new InternalError(`write task ${result.partition} returned ${result.output.kind}`);
    for (const file of result.output.files) {
      // Only the accepted attempt's own files: never another attempt's, never one outside the temporary folder.
      const expected = writeAttemptFileUri(temporaryDir(spec.path, jobToken), file.partitionPath, result.partition, result.attempt, FORMAT_EXTENSION[spec.format]);
      if (file.uri !== expected || !PARTITION_PATH.test(file.partitionPath)) throw new UnacceptedFileError(file.uri, expected);
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
  // After the commit point: remove what an overwrite replaced, and the temporary files. A
  // failure here must not undo the commit (the caller would abort and delete the new files).
  const listed = new Set(manifest.files.map((f) => `${spec.path}${f.name}`));
  const replaced = before.dataFiles.filter((uri) => !listed.has(uri));
  try {
    if (replaced.length) await store.delete(replaced);
    await discardTemporary(store, spec.path, jobToken);
  } catch (error) {
    log("WARN", `committed ${spec.path}, but could not delete the ${replaced.length} file(s) it replaced or its temporary folder; readers ignore them (_SUCCESS does not list them): delete them by hand`, {
      error: error instanceof Error ? error.message : String(error),
      temporary: temporaryDir(spec.path, jobToken),
    });
  }
  return manifest;
}
