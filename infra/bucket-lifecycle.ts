/**
 * The lifecycle rules of SparkfnEngine's bucket: what expires on its own.
 *
 * - `apps/` (shuffle files, plans, large results: every app's scratch) after
 *   `scratchExpirationDays`: the driver deletes an app's prefix at spark.stop(); this catches
 *   crashed drivers.
 * - Write attempt files, tagged TEMPORARY_OBJECT_TAG by the executor, after the same days. They
 *   live under `<output>/_temporary/`, outside `apps/`, where no prefix can reach them; the
 *   commit deletes them, this catches crashed drivers and attempts that end after cleanup.
 *   (S3 refuses to abort multipart uploads in a rule with a tag filter; sparkfn writes with
 *   single PUTs, and the bucket-wide rule below aborts any upload anyway.)
 * - Incomplete multipart uploads after 1 day, anywhere.
 * - On a versioned bucket, noncurrent versions (what an overwrite or delete replaced) after
 *   `noncurrentVersionExpirationDays`, those of scratch and attempt files after 1 day, and
 *   delete markers left alone once their versions are gone.
 *
 * Why versioned by default: an overwrite deletes the data files it replaces, and a delete on a
 * versioned bucket leaves the data as a noncurrent version, so a mistaken write is recoverable
 * for that many days (neither function's role may delete versions: ./bucket-access.ts). The
 * price is the replaced data's storage for those days; `versioned: false` turns it off.
 */
import { Duration } from "aws-cdk-lib";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { APPS_PREFIX, TEMPORARY_OBJECT_TAG } from "../shared/storage/keys.ts";
import { SparkfnConstructError } from "./errors.ts";

export interface LifecycleSettings {
  readonly scratchExpirationDays: number;
  readonly versioned: boolean;
  readonly noncurrentVersionExpirationDays: number;
}

export function bucketLifecycleRules(settings: LifecycleSettings): s3.LifecycleRule[] {
  for (const key of ["scratchExpirationDays", "noncurrentVersionExpirationDays"] as const) {
    const days = settings[key];
    if (!Number.isInteger(days) || days < 1) throw new SparkfnConstructError(`SparkfnEngine: ${key} is ${days}; give a whole number of days, 1 or more.`);
  }
  const scratchNoncurrent = settings.versioned ? { noncurrentVersionExpiration: Duration.days(1) } : {};
  return [
    { id: "expire-app-scratch", prefix: APPS_PREFIX, expiration: Duration.days(settings.scratchExpirationDays), ...scratchNoncurrent },
    {
      id: "expire-write-attempt-files",
      tagFilters: { [TEMPORARY_OBJECT_TAG.key]: TEMPORARY_OBJECT_TAG.value },
      expiration: Duration.days(settings.scratchExpirationDays),
      ...scratchNoncurrent,
    },
    { id: "abort-incomplete-uploads", abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ...(settings.versioned
      ? [{ id: "expire-noncurrent-versions", noncurrentVersionExpiration: Duration.days(settings.noncurrentVersionExpirationDays), expiredObjectDeleteMarker: true }]
      : []),
  ];
}
