/**
 * Writes on local[2] that must not destroy anything: the output guard refuses a write's own
 * input, the home directory and the local scratch folders (HOME and TMPDIR point into a
 * test folder, so a write that got through could only harm that), and a failed or
 * cancelled write leaves no `_temporary/` behind.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SparkSession } from "sparkfn";
import { JobCancelledError } from "../../../driver/errors.ts";
import { UnsafeOutputError } from "../../../driver/sinks/output-guard.ts";

let root: string;
let spark: SparkSession;
const saved = { HOME: process.env.HOME, TMPDIR: process.env.TMPDIR };
const until = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
};

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "sparkfn-write-safety-"));
  // The home directory and the OS temporary folder, as the guard and the session see them.
  process.env.HOME = path.join(root, "home");
  process.env.TMPDIR = path.join(root, "tmp");
  await mkdir(process.env.HOME);
  await mkdir(process.env.TMPDIR);
  spark = await SparkSession.builder().master("local[2]").getOrCreate();
});

afterEach(async () => {
  await spark.stop();
  process.env.HOME = saved.HOME;
  if (saved.TMPDIR === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved.TMPDIR;
  await rm(root, { recursive: true, force: true });
});

describe("the output guard on a session", () => {
  it("refuses to overwrite the input it reads, which stays as it was", async () => {
    const input = path.join(root, "tx");
    await mkdir(input);
    await writeFile(path.join(input, "part-0.csv"), "id,amount\n1,10\n2,20\n");
    const df = spark.read.option("header", "true").csv(input);
    await expect(df.write.mode("overwrite").csv(input)).rejects.toThrow(
      new UnsafeOutputError(`${input}/`, `it is ${input}, an input of this write: an overwrite would delete the data while it is read, and any other write would change that input. Write to a separate location (then replace the input, if that is the aim)`),
    );
    await expect(df.write.mode("append").csv(path.join(input, "more"))).rejects.toThrow(/is inside .*an input of this write: its files would be read back as part of that input/);
    expect(await readdir(input)).toEqual(["part-0.csv"]);
    expect(await readFile(path.join(input, "part-0.csv"), "utf8")).toBe("id,amount\n1,10\n2,20\n");
  });

  it("refuses the home directory, whose files stay", async () => {
    const home = process.env.HOME!;
    await writeFile(path.join(home, "notes.txt"), "keep me\n");
    await expect(spark.range(3).write.mode("overwrite").json(home)).rejects.toThrow(new RegExp(`^Refusing to write to ${home}/: it is your home directory ${home}, where an overwrite would delete your files`));
    expect(await readdir(home)).toEqual(["notes.txt"]);
  });

  it("refuses the temporary folder holding sessions' scratch, and a session's own scratch folder", async () => {
    const tmp = process.env.TMPDIR!;
    expect(spark.scratchUri.startsWith(`${tmp}/sparkfn-app-`)).toBe(true);
    await expect(spark.range(3).write.mode("overwrite").json(tmp)).rejects.toThrow(/it contains the local scratch folders of sparkfn applications/);
    await expect(spark.range(3).write.json(`${spark.scratchUri}out`)).rejects.toThrow(/it is inside the local scratch folders of sparkfn applications/);
    expect(existsSync(spark.scratchUri)).toBe(true);
  });

  it("guards saveAsTextFile too, and writes it into a folder of its own when the path has no trailing slash", async () => {
    const input = path.join(root, "lines");
    await mkdir(input);
    await writeFile(path.join(input, "a.txt"), "x\ny\n");
    await expect(spark.sparkContext.textFile(input).saveAsTextFile(`${input}/copy`)).rejects.toBeInstanceOf(UnsafeOutputError);
    await spark.sparkContext.parallelize(["a", "b"], 1).saveAsTextFile(path.join(root, "saved"));
    expect((await readdir(root)).sort()).toEqual(["home", "lines", "saved", "tmp"]);
    expect((await readdir(path.join(root, "saved"))).sort()).toEqual(["_SUCCESS", expect.stringMatching(/^part-00000-.*\.txt$/)]);
  });
});

describe("failed and cancelled writes", () => {
  it("a failed write leaves no _temporary folder", async () => {
    const out = path.join(root, "out");
    const always = Array.from({ length: 4 }, (_, attempt) => ({ stage: 0, partition: 1, attempt, kind: "throw" }));
    spark.conf.set("sparkfn.test.faults", JSON.stringify(always));
    await expect(spark.range(0, 100, 1, 2).write.json(out)).rejects.toThrow(/Task 1 in stage 0 failed 4 time\(s\)/);
    expect(existsSync(out) ? await readdir(out) : []).toEqual([]);
  });

  it("a successful write leaves no _temporary folder", async () => {
    const out = path.join(root, "ok");
    await spark.range(0, 100, 1, 2).write.json(out);
    expect((await readdir(out)).filter((n) => n.startsWith("_"))).toEqual(["_SUCCESS"]);
  });

  it("stop() during a write waits for it to remove its attempt files", async () => {
    const out = path.join(root, "cancelled");
    await spark.range(0, 2, 1, 2).count(); // both workers started
    // Partition 0's first attempt hangs until its 3 s deadline; partition 1 writes its file meanwhile.
    spark.conf.set("sparkfn.test.faults", JSON.stringify([{ stage: 0, partition: 0, attempt: 0, kind: "hang" }]));
    spark.conf.set("sparkfn.task.timeout", "3s");
    const writing = spark.range(0, 100, 1, 2).write.json(out);
    const outcome = writing.then(() => "written", (error: unknown) => error);
    await until(() => existsSync(path.join(out, "_temporary")), "partition 1's attempt file");
    await spark.stop();
    // Right when stop() returns: no attempt file, no folder.
    expect(existsSync(out) ? await readdir(out) : []).toEqual([]);
    expect(await outcome).toBeInstanceOf(JobCancelledError);
  });
});
