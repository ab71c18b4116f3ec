// `npm run build` (also run by `npm pack` through prepack): the package's JavaScript in dist/.
//   1. tsc -p tsconfig.build.json: driver/, executor-fn/, shared/ as ES modules with .d.ts files
//   2. dist/require.cjs: what a CommonJS require("sparkfn") meets (one clear error)
//   3. the bin made executable
import { execFileSync } from "node:child_process";
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit", cwd: root });
writeFileSync(
  path.join(dist, "require.cjs"),
  `"use strict";
// sparkfn is an ES module package (its API awaits at module level and ships as ESM only).
throw new Error(
  'sparkfn is an ES module package and cannot be loaded with require(). ' +
    'Use import: add "type": "module" to your package.json (or name the file .mjs / .mts), ' +
    'or from CommonJS load it with: const { SparkSession } = await import("sparkfn");'
);
`,
);
chmodSync(path.join(dist, "driver", "bin", "sparkfn.js"), 0o755);
console.log("sparkfn: built dist/");
