/**
 * An input path that names nothing is the job's mistake (Spark's AnalysisException), never a
 * failure worth retrying: a batch run reading it goes to the dead-letter queue with the
 * message, instead of coming back from the queue until its receives run out.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listInputFiles } from "../../../driver/sources/list-files.ts";
import { categoryOf, isRetryable } from "../../../shared/errors.ts";
import { AnalysisError } from "../../../shared/plan/resolve.ts";
import { LocalObjectStore } from "../../../shared/storage/local-store.ts";

let dir: string;
const store = new LocalObjectStore();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "list-files-"));
  await writeFile(path.join(dir, "part-0.csv"), "a\n1\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("an input path with no data", () => {
  it.each([
    ["a folder that does not exist", () => `${dir}/missing/`, /^Path does not exist: .*\/missing\/ \(no object there/],
    ["a glob that matches nothing", () => `${dir}/*.parquet`, /^Path does not exist: no object matches the pattern .*\/\*\.parquet\./],
  ])("fails as a user error, not retried: %s", async (_, input, message) => {
    const error = await listInputFiles(store, input()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AnalysisError);
    expect((error as Error).message).toMatch(message);
    expect(categoryOf(error)).toBe("user");
    expect(isRetryable(categoryOf(error))).toBe(false);
  });

  it("lists the data of a folder that exists", async () => {
    expect((await listInputFiles(store, `${dir}/`)).map((o) => path.basename(o.uri))).toEqual(["part-0.csv"]);
  });
});
