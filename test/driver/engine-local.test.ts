import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { defineEngineSuite } from "../support/engine-suite.ts";

defineEngineSuite({
  master: "local[2]",
  dataRoot: async () => {
    const root = await mkdtemp(path.join(tmpdir(), "sparkfn-engine-"));
    return {
      root: `${root}/`,
      put: async (name, text) => {
        await mkdir(path.dirname(path.join(root, name)), { recursive: true });
        await writeFile(path.join(root, name), text);
      },
      remove: (name) => rm(path.join(root, name)),
    };
  },
});

describe("local[2] only", () => {
  it("abandons a hung attempt at sparkfn.task.timeout and retries it on a fresh worker", async () => {
    const { SparkSession, col, sum } = await import("sparkfn");
    const spark = await SparkSession.builder()
      .master("local[2]")
      .config("sparkfn.task.timeout", "1s")
      .config("sparkfn.test.faults", JSON.stringify([{ stage: 0, partition: 0, attempt: 0, kind: "hang" }]))
      .getOrCreate();
    try {
      const rows = await spark.range(0, 100, 1, 2).agg(sum(col("id")).alias("s")).collect();
      expect(rows).toEqual([{ s: 4950 }]);
      expect(spark.lastJobTasks[0]).toEqual({ stageId: 0, tasks: 2, attempts: 3 });
    } finally {
      await spark.stop();
    }
  });
});
