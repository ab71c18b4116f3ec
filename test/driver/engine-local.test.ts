import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
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
