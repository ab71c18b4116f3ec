/**
 * The write commit protocol on the local object store: only the accepted attempt's files are
 * committed, the temporary folder is gone after a commit or an abort, and a failure after the
 * commit point does not undo the commit.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { abortWrite, commitWrite, temporaryDir, UnacceptedFileError } from "../../../driver/sinks/commit.ts";
import { LocalObjectStore } from "../../../shared/storage/local-store.ts";
import { readManifest } from "../../../shared/storage/manifest.ts";
import { TASK_PROTOCOL_VERSION, type TaskSuccess } from "../../../shared/task.ts";

const TOKEN = "job-1";
let root: string;
let out: string;
const store = new LocalObjectStore();

/** A write task's result as the executor reports it. */
const written = (partition: number, attempt: number, files: { uri: string; partitionPath?: string; rows?: number }[]) =>
  ({
    status: "ok",
    version: TASK_PROTOCOL_VERSION,
    stageId: 0,
    partition,
    attempt,
    output: { kind: "written", files: files.map((f) => ({ uri: f.uri, size: 1, rows: f.rows ?? 1, partitionPath: f.partitionPath ?? "" })) },
    metrics: {},
  }) as unknown as TaskSuccess;

const attemptFile = (partition: number, attempt: number, folders = "") => `${temporaryDir(out, TOKEN)}${folders}part-${String(partition).padStart(5, "0")}-attempt-${attempt}.csv`;
const names = async () => (await store.list(out)).map((o) => o.uri.slice(out.length));

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "sparkfn-commit-test-"));
  out = `${root}/out/`;
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("commitWrite", () => {
  it("commits only the accepted attempt's files; an abandoned attempt's files and the temporary folder are gone", async () => {
    await store.put(attemptFile(0, 0), "abandoned\n");
    await store.put(attemptFile(0, 1), "winner\n");
    await store.put(attemptFile(1, 0, "year=2024/"), "other\n");
    await commitWrite(store, { path: out, format: "csv", append: false }, TOKEN, [
      written(0, 1, [{ uri: attemptFile(0, 1) }]),
      written(1, 0, [{ uri: attemptFile(1, 0, "year=2024/"), partitionPath: "year=2024/" }]),
    ]);
    expect(await names()).toEqual(["_SUCCESS", "part-00000-job-1.csv", "year=2024/part-00001-job-1.csv"]);
    expect(await readFile(`${out}part-00000-job-1.csv`, "utf8")).toBe("winner\n");
    expect((await readManifest(store, out))!.files.map((f) => f.name)).toEqual(["part-00000-job-1.csv", "year=2024/part-00001-job-1.csv"]);
    expect(existsSync(`${out}_temporary`)).toBe(false);
  });

  it.each([
    ["another attempt's file", (): [number, string, string] => [1, attemptFile(0, 0), ""]],
    ["a file outside the temporary folder", (): [number, string, string] => [0, `${root}/secret.csv`, ""]],
    ["another partition's file", (): [number, string, string] => [0, attemptFile(3, 0), ""]],
    ["folders that climb out of the dataset", (): [number, string, string] => [0, attemptFile(0, 0, "../../"), "../../"]],
  ])("refuses a result naming %s, and commits nothing", async (_, result) => {
    const [attempt, uri, partitionPath] = result();
    await store.put(uri, "not yours\n");
    const before = await names();
    const commit = commitWrite(store, { path: out, format: "csv", append: false }, TOKEN, [written(0, attempt, [{ uri, partitionPath }])]);
    await expect(commit).rejects.toBeInstanceOf(UnacceptedFileError);
    await expect(commit).rejects.toThrow(/which is not a file of the accepted attempt \(expected .*part-00000-attempt-\d\.csv\); refusing to commit it/);
    expect(await readManifest(store, out)).toBeUndefined();
    expect(await names()).toEqual(before);
  });

  it("keeps the commit when deleting the replaced files fails after the commit point", async () => {
    await store.put(`${out}old-part.csv`, "old\n");
    await store.put(attemptFile(0, 0), "new\n");
    const failingDeletes = Object.assign(Object.create(store) as LocalObjectStore, {
      delete: async () => {
        throw new Error("AccessDenied: s3:DeleteObject");
      },
    });
    const manifest = await commitWrite(failingDeletes, { path: out, format: "csv", append: false }, TOKEN, [written(0, 0, [{ uri: attemptFile(0, 0) }])]);
    expect(manifest.files.map((f) => f.name)).toEqual(["part-00000-job-1.csv"]);
    expect((await readManifest(store, out))!.files.map((f) => f.name)).toEqual(["part-00000-job-1.csv"]);
    expect(await readFile(`${out}part-00000-job-1.csv`, "utf8")).toBe("new\n");
  });
});

describe("abortWrite", () => {
  it("deletes the job's temporary files, its copies and its local folders, and leaves another job's alone", async () => {
    await store.put(attemptFile(0, 0, "k=1/"), "a\n");
    await store.put(`${out}part-00000-${TOKEN}.csv`, "copied before the failure\n");
    await store.put(`${temporaryDir(out, "job-2")}part-00000-attempt-0.csv`, "a concurrent job\n");
    await store.put(`${out}part-00000-job-0.csv`, "committed earlier\n");
    await abortWrite(store, out, TOKEN);
    expect(await names()).toEqual(["_temporary/job-2/part-00000-attempt-0.csv", "part-00000-job-0.csv"]);
    expect(existsSync(temporaryDir(out, TOKEN))).toBe(false);
    await abortWrite(store, out, "job-2");
    expect(existsSync(`${out}_temporary`)).toBe(false);
  });
});
