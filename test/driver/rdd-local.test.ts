import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll } from "vitest";
import { defineRddSuite } from "../support/rdd-suite.ts";

let root: string | undefined;

defineRddSuite({
  master: "local[2]",
  dataRoot: async () => {
    root = await mkdtemp(path.join(tmpdir(), "sparkfn-rdd-"));
    const dir = root;
    return {
      root: `${dir}/`,
      put: async (name, body) => {
        await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
        await writeFile(path.join(dir, name), body);
      },
      remove: (name) => rm(path.join(dir, name)),
    };
  },
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});
