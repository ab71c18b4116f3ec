/**
 * What each function of SparkfnEngine may do in the engine's bucket: explicit statements in
 * place of `grantReadWrite`, which also gave both roles every `s3:DeleteObject*` (object
 * versions included), `s3:PutObjectRetention` and `s3:PutObjectLegalHold` on the whole bucket.
 * Neither role may set retention or legal holds, delete an object version for good
 * (`s3:DeleteObjectVersion`: on a versioned bucket a delete leaves a recoverable noncurrent
 * version), nor delete or tag a batch run marker (`runs/`).
 *
 * The executor (executor-fn/) reads anything in the bucket (the job's inputs) and writes only
 * - under `apps/`: shuffle files, large task results; deletes there too (the fault-injection
 *   test hook loses a shuffle file on purpose);
 * - write attempt files under `<output>/_temporary/<jobToken>/`, tagged TEMPORARY_OBJECT_TAG
 *   (so `s3:PutObjectTagging` there, and only there: a tag is a delayed delete through the
 *   lifecycle rule). An output may be any folder outside `apps/` and `runs/`
 *   (driver/sinks/output-guard.ts), so the resource is any key with a `_temporary/` folder.
 *
 * The batch driver (driver/batch/, and the session it runs) reads and lists the bucket, writes
 * stage plans, task inputs, broadcasts and modules under `apps/`, run markers under `runs/`,
 * committed output files and their `_SUCCESS` manifest (CopyObject with an empty tag set:
 * ObjectStore.copy), and event logs where `spark.eventLog.dir` says. It deletes scratch under
 * `apps/`, `_temporary/` folders and, for `mode("overwrite")`, the data files an output replaces,
 * which may lie under any output folder: so PutObject and DeleteObject on the whole bucket,
 * minus the run markers.
 */
import * as iam from "aws-cdk-lib/aws-iam";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { APPS_PREFIX, RUNS_PREFIX, TEMPORARY_FOLDER } from "../shared/storage/keys.ts";

/** Run markers are written with conditional PUTs only; nobody deletes them, nor tags them into expiring. */
function protectRunMarkers(bucket: s3.IBucket, grantee: iam.IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: "NeverDeleteOrTagRunMarkers",
      effect: iam.Effect.DENY,
      actions: ["s3:DeleteObject*", "s3:PutObjectTagging", "s3:PutObjectVersionTagging"],
      resources: [bucket.arnForObjects(`${RUNS_PREFIX}*`)],
    }),
  );
}

export function grantExecutorBucketAccess(bucket: s3.IBucket, executor: iam.IGrantable): void {
  bucket.grantRead(executor);
  const principal = executor.grantPrincipal;
  principal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: "WriteAppScratch",
      actions: ["s3:PutObject", "s3:DeleteObject"],
      resources: [bucket.arnForObjects(`${APPS_PREFIX}*`)],
    }),
  );
  principal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: "WriteTaggedAttemptFiles",
      actions: ["s3:PutObject", "s3:PutObjectTagging"],
      resources: [bucket.arnForObjects(`*/${TEMPORARY_FOLDER}*`)],
    }),
  );
  protectRunMarkers(bucket, executor);
}

export function grantDriverBucketAccess(bucket: s3.IBucket, driver: iam.IGrantable): void {
  bucket.grantRead(driver);
  driver.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: "WriteCommitAndCleanUp",
      // PutObjectTagging: CopyObject's tagging directive (the commit's copies replace the attempt file's tag).
      actions: ["s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject"],
      resources: [bucket.arnForObjects("*")],
    }),
  );
  protectRunMarkers(bucket, driver);
}
