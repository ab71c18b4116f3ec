// `npm run build` (also run by `npm pack` through prepack): the package's JavaScript in dist/.
//   1. tsc -p tsconfig.build.json: driver/, executor-fn/, shared/ as ES modules with .d.ts files
//      and infra/cdk.ts (`sparkfn/cdk`, the CDK constructs)
//   2. the executor function's code bundled with esbuild into dist/assets/executor/, which the
//      installed construct deploys as it is (options: infra/executor-bundle.ts)
//   3. dist/require.cjs: what a CommonJS require("sparkfn") meets (one clear error)
//   4. the bin made executable
//   5. the LocalStack compose file and the project templates (`sparkfn init`) copied into dist/
//   6. chevrotain (the SQL parser's library) bundled into one module beside the parser
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit", cwd: root });
const { EXECUTOR_BUNDLE } = await import(pathToFileURL(path.join(dist, "infra", "executor-bundle.js")).href);
await build({
  entryPoints: [path.join(root, EXECUTOR_BUNDLE.entry)],
  outfile: path.join(dist, EXECUTOR_BUNDLE.assetDir, "index.js"),
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  format: EXECUTOR_BUNDLE.format,
  target: EXECUTOR_BUNDLE.target,
  minify: EXECUTOR_BUNDLE.minify,
  sourcemap: EXECUTOR_BUNDLE.sourcemap,
  external: [...EXECUTOR_BUNDLE.external],
  logLevel: "warning",
  // shared/functions/modules.ts falls back to the working directory where import.meta is empty (CommonJS).
  logOverride: { "empty-import-meta": "silent" },
});
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
// Files the CLI ships next to its code (driver/package-files.ts finds them under dist/ as under
// the repository's root): the LocalStack compose file (`sparkfn local up`) and the project
// templates (`sparkfn init`).
cpSync(path.join(root, "localstack", "docker-compose.yml"), path.join(dist, "localstack", "docker-compose.yml"));
cpSync(path.join(root, "templates"), path.join(dist, "templates"), { recursive: true });
// chevrotain's package entry is an ES module tree that loads lodash-es module by module: about
// 220 ms and 30 MB for every driver process, SQL or not. Bundled into one module (what its own
// chevrotain.min.mjs is, which its exports map does not expose) it loads in about 10 ms.
const sqlDir = path.join(dist, "driver", "sql");
await build({
  stdin: { contents: 'export * from "chevrotain";', resolveDir: root, loader: "js" },
  outfile: path.join(sqlDir, "chevrotain.js"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  logLevel: "warning",
});
for (const file of readdirSync(sqlDir).filter((f) => f.endsWith(".js") && f !== "chevrotain.js")) {
  const text = readFileSync(path.join(sqlDir, file), "utf8");
  if (text.includes('from "chevrotain"')) writeFileSync(path.join(sqlDir, file), text.replaceAll('from "chevrotain"', 'from "./chevrotain.js"'));
}
console.log("sparkfn: built dist/");
