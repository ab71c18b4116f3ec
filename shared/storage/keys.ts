/**
 * The one home of sparkfn's object layout. Every key or URI that the driver or an
 * executor builds comes from here, so the layout can be read (and changed) in one place.
 *
 *   <bucket>/apps/<appId>/stages/<stageId>/...   per-stage artefacts (plans, large results)
 *   <bucket>/apps/<appId>/shuffle/<shuffleId>/... shuffle output (see the shuffle issue)
 *   <bucket>/data/...                             sample and user data (examples upload here)
 *   <bucket>/runs/<runId>.json                    status of a batch job run (SQS-triggered jobs)
 *
 * Everything under `apps/` is scratch: the driver deletes an app's prefix when it stops,
 * and a bucket lifecycle rule expires what a crashed driver left behind.
 */

/** Prefix of all per-application scratch objects; the bucket's lifecycle rule targets it. */
export const APPS_PREFIX = "apps/";

/** Prefix of batch job run markers (status of each run, for idempotent redelivery). */
export const RUNS_PREFIX = "runs/";

/** The status marker of one batch job run. */
export function runStatusKey(runId: string): string {
  return `${RUNS_PREFIX}${assertSafeId("run id", runId)}.json`;
}

/** Prefix of example and sample datasets uploaded by the demo. */
export const DATA_PREFIX = "data/";

/**
 * The one list of what the engine owns: top-level prefixes of any bucket it writes to, and
 * the local[N] scratch folders. No write (df.write, saveAsTextFile) may target, enter or
 * contain them (driver/sinks/output-guard.ts), so an overwrite cannot delete them.
 */
export const RESERVED_PREFIXES: readonly { readonly prefix: string; readonly holds: string }[] = [
  { prefix: APPS_PREFIX, holds: "applications' scratch data (shuffle output, plans, results), deleted when a session stops" },
  { prefix: RUNS_PREFIX, holds: "the status markers of batch job runs" },
];

/** Every app id starts with this (`app-<time>-<random>`). */
export const APP_ID_PREFIX = "app-";

/** Name prefix of local[N] scratch folders in the OS temporary folder: `sparkfn-<appId>-XXXXXX/`. */
const LOCAL_SCRATCH_NAME = "sparkfn-";

/** mkdtemp's template for an app's local scratch folder (in the OS temporary folder). */
export function localScratchTemplate(appId: string): string {
  return `${LOCAL_SCRATCH_NAME}${assertSafeId("app id", appId)}-`;
}

/** A glob matching every app's local scratch folder name (in the OS temporary folder). */
export const LOCAL_SCRATCH_GLOB = `${LOCAL_SCRATCH_NAME}${APP_ID_PREFIX}*`;

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Rejects ids that would escape their prefix or produce surprising keys. */
export function assertSafeId(kind: string, id: string): string {
  if (!SAFE_ID.test(id)) {
    throw new Error(
      `Invalid ${kind} "${id}": use 1-128 characters from A-Z a-z 0-9 . _ - (starting with a letter or digit).`,
    );
  }
  return id;
}

export function appPrefix(appId: string): string {
  return `${APPS_PREFIX}${assertSafeId("app id", appId)}/`;
}

/** Where a sample dataset lives, e.g. `data/transactions/`. */
export function datasetPrefix(name: string): string {
  return `${DATA_PREFIX}${assertSafeId("dataset name", name)}/`;
}

/** Key of the n-th part file of a dataset, zero-padded so listings sort in part order. */
export function datasetPartKey(name: string, part: number, extension: string): string {
  return `${datasetPrefix(name)}part-${String(part).padStart(5, "0")}.${extension}`;
}

/** Base of an app's scratch space in a bucket: `s3://<bucket>/apps/<appId>/`. */
export function appScratchUri(bucket: string, appId: string): string {
  return `s3://${bucket}/${appPrefix(appId)}`;
}

const withSlash = (uri: string) => (uri.endsWith("/") ? uri : `${uri}/`);

/** Scratch of one job of an app: jobs never share shuffle objects, even when they run at once. */
export function jobScratchUri(appScratch: string, jobId: number): string {
  return `${withSlash(appScratch)}jobs/${jobId}/`;
}

/** Where a cached DataFrame's partitions are kept until unpersist() or the app stops. */
export function cacheScratchUri(appScratch: string, cacheId: number): string {
  return `${withSlash(appScratch)}cache/${cacheId}/`;
}

/** Two hex digits from the map task's identity: spreads a shuffle's objects over 256 key prefixes. */
function spreadPrefix(stageId: number, mapPartition: number): string {
  let h = 0x811c9dc5;
  for (const c of `${stageId}/${mapPartition}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return ((h >>> 0) & 0xff).toString(16).padStart(2, "0");
}

/**
 * The one data object a map task attempt writes for a shuffle, holding all its reduce
 * partitions back to back. Scoped by stage (several stages may feed one shuffle, as a
 * union's inputs do) and by attempt, so a retried task never overwrites a winner. A short
 * hash spreads the objects over 256 prefixes: S3 scales request rates per prefix (about
 * 3,500 PUT and 5,500 GET per second each), so a thousand map tasks do not share one.
 */
export function shuffleObjectUri(scratch: string, shuffleId: number, stageId: number, mapPartition: number, attempt: number): string {
  const base = scratch.endsWith("/") ? scratch : `${scratch}/`;
  const map = String(mapPartition).padStart(5, "0");
  return `${base}shuffle/${shuffleId}/${spreadPrefix(stageId, mapPartition)}/stage-${stageId}-map-${map}-attempt-${attempt}.blocks`;
}

/**
 * The object a combiner attempt of a two-level exchange writes (driver/scheduler/combine.ts):
 * a group of map objects' reduce partitions merged, beside the map objects it replaces.
 */
export function combinedObjectUri(scratch: string, shuffleId: number, stageId: number, group: number, attempt: number): string {
  const base = scratch.endsWith("/") ? scratch : `${scratch}/`;
  return `${base}shuffle/${shuffleId}/${spreadPrefix(stageId, -1 - group)}/stage-${stageId}-combined-${String(group).padStart(5, "0")}-attempt-${attempt}.blocks`;
}

/** Where a result task attempt stores rows too large to return in its response. */
export function resultObjectUri(scratch: string, stageId: number, partition: number, attempt: number): string {
  return `${withSlash(scratch)}results/stage-${stageId}-part-${String(partition).padStart(5, "0")}-attempt-${attempt}.json`;
}

/** A task attempt's input, when it is too large to travel in the invocation payload. */
export function taskInputUri(scratch: string, stageId: number, partition: number, attempt: number): string {
  return `${withSlash(scratch)}inputs/stage-${stageId}-part-${String(partition).padStart(5, "0")}-attempt-${attempt}.json`;
}

/** A file of reducers' slice indexes for a stage (driver/scheduler/slice-files.ts), named by its content hash. */
export function sliceFileUri(scratch: string, stageId: number, sha256: string): string {
  return `${withSlash(scratch)}inputs/slices-stage-${stageId}-${sha256.slice(0, 16)}.bin`;
}

/** A map stage's map-output table (its objects' URIs in map order), stored once per version and named by its content hash. */
export function mapOutputTableUri(scratch: string, stageId: number, sha256: string): string {
  return `${withSlash(scratch)}inputs/map-outputs-stage-${stageId}-${sha256.slice(0, 16)}.json`;
}

/** A stage plan, stored once per stage and named by its content hash. */
export function stagePlanUri(scratch: string, stageId: number, sha256: string): string {
  return `${withSlash(scratch)}stages/stage-${stageId}-${sha256.slice(0, 16)}.json`;
}

/** A bundled npm package (sc.addModule), named by the SHA-256 of its text. */
export function moduleUri(appScratch: string, sha256: string): string {
  return `${withSlash(appScratch)}modules/${sha256}.js`;
}

/** A broadcast variable's value (JSON), stored once and read by every task that captures it. */
export function broadcastUri(appScratch: string, id: number): string {
  return `${withSlash(appScratch)}broadcast/${id}.json`;
}

/**
 * The folder of a write's output location where its tasks' attempt files go
 * (`<output>/_temporary/<jobToken>/`) until the driver commits them (driver/sinks/commit.ts).
 */
export const TEMPORARY_FOLDER = "_temporary/";

/**
 * The tag of every write attempt file (S3 object tag `sparkfn:temporary=true`). Attempt files
 * live under their output location, outside `apps/`, where no prefix rule can reach them: the
 * bucket's lifecycle rule on this tag expires what a crashed driver or a late attempt leaves
 * (infra/sparkfn-engine.ts). Committed copies do not carry it (ObjectStore.copy).
 */
export const TEMPORARY_OBJECT_TAG = { key: "sparkfn:temporary", value: "true" } as const;

/**
 * The file one attempt of a write task produces in its job's temporary folder (one per
 * partitionBy folder). Named by partition and attempt, so the driver commits only the files
 * of the attempt it accepted (driver/sinks/commit.ts).
 */
export function writeAttemptFileUri(dir: string, partitionPath: string, partition: number, attempt: number, extension: string): string {
  return `${withSlash(dir)}${partitionPath}part-${String(partition).padStart(5, "0")}-attempt-${attempt}.${extension}`;
}
