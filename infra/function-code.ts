/**
 * Where the code of SparkfnEngine's functions comes from. The construct runs in two layouts:
 * - the repository (TypeScript source, run with tsx): both functions are bundled from source
 *   with esbuild at synth (NodejsFunction), so the repository's deploys and tests need no build;
 * - the installed package (compiled JavaScript in dist/, `sparkfn/cdk`): the executor's code
 *   was bundled by `npm run build` into dist/assets/executor/ and is deployed as it is (no
 *   esbuild run, no lock file at the user's synth); the batch driver function still bundles the
 *   user's jobs module at synth, with sparkfn's compiled JavaScript.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import type { Construct } from "constructs";
import { SparkfnConstructError } from "./errors.ts";
import { EXECUTOR_BUNDLE } from "./executor-bundle.ts";

const thisFile = fileURLToPath(import.meta.url);
/** Compiled (dist/infra/*.js, the installed package) or source (infra/*.ts, the repository). */
const compiled = thisFile.endsWith(".js");
/** The repository's root, or the package's dist/: where driver/, executor-fn/ and assets/ are. */
const root = path.resolve(path.dirname(thisFile), "..");
const sourceExt = compiled ? ".js" : ".ts";

const RUNTIME = lambda.Runtime.NODEJS_22_X;
/** The lock files NodejsFunction understands, in the order it looks for them. */
const LOCK_FILES = ["pnpm-lock.yaml", "yarn.lock", "bun.lockb", "bun.lock", "package-lock.json"];

/** The executor function: the prebuilt bundle when installed, bundled from source in the repository. */
export function executorFunction(scope: Construct, id: string, options: lambda.FunctionOptions): lambda.Function {
  if (compiled) {
    const asset = path.join(root, EXECUTOR_BUNDLE.assetDir);
    if (!existsSync(path.join(asset, "index.js"))) {
      throw new SparkfnConstructError(
        `SparkfnEngine: the executor's prebuilt code ${path.join(asset, "index.js")} is missing from the installed sparkfn package; reinstall sparkfn (or, in a checkout, run npm run build).`,
      );
    }
    return new lambda.Function(scope, id, {
      ...options,
      runtime: RUNTIME,
      handler: `index.${EXECUTOR_BUNDLE.exportName}`,
      code: lambda.Code.fromAsset(asset),
    });
  }
  return new NodejsFunction(scope, id, {
    ...options,
    entry: path.join(root, EXECUTOR_BUNDLE.entry),
    handler: EXECUTOR_BUNDLE.exportName,
    projectRoot: root,
    depsLockFilePath: path.join(root, "package-lock.json"),
    runtime: RUNTIME,
    bundling: {
      externalModules: [...EXECUTOR_BUNDLE.external],
      format: OutputFormat.CJS,
      target: EXECUTOR_BUNDLE.target,
      minify: EXECUTOR_BUNDLE.minify,
      sourceMap: EXECUTOR_BUNDLE.sourcemap,
      // esbuild runs on this machine; never in Docker.
      forceDockerBundling: false,
    },
  });
}

/** The batch driver function, bundled at synth with the deployment's jobs module compiled in. */
export function driverFunction(scope: Construct, id: string, options: lambda.FunctionOptions, jobsModule: string): NodejsFunction {
  const jobs = path.resolve(jobsModule);
  if (!existsSync(jobs)) {
    throw new SparkfnConstructError(
      `SparkfnEngine: batch.jobsModule ${JSON.stringify(jobsModule)} (${jobs}) does not exist; give the path of the module that exports \`jobs\` (an absolute path is safest: a relative one is taken from the working directory, ${process.cwd()}).`,
    );
  }
  const entry = path.join(root, "driver", "batch", `lambda${sourceExt}`);
  // Installed, the user's project is the project root: its lock file is above node_modules/sparkfn.
  const depsLockFilePath = compiled ? lockFileAbove(path.dirname(entry)) : path.join(root, "package-lock.json");
  return new NodejsFunction(scope, id, {
    ...options,
    entry,
    handler: "handler",
    projectRoot: path.dirname(depsLockFilePath),
    depsLockFilePath,
    runtime: RUNTIME,
    bundling: {
      // sc.addModule() bundles packages with esbuild on a laptop's driver; the driver function has none.
      externalModules: ["esbuild"],
      format: OutputFormat.CJS,
      target: "node20",
      minify: true,
      sourceMap: true,
      forceDockerBundling: false,
      // The deployment's jobs, and `sparkfn` as they import it, are compiled into the bundle:
      // code reaches the driver only from this deploy, never from a message.
      esbuildArgs: { "--alias:sparkfn-jobs": jobs, "--alias:sparkfn": path.join(root, "driver", `index${sourceExt}`) },
    },
  });
}

/** The nearest lock file in `dir` or a folder above it. */
function lockFileAbove(dir: string): string {
  for (let current = dir; ; current = path.dirname(current)) {
    const found = LOCK_FILES.map((name) => path.join(current, name)).find((file) => existsSync(file));
    if (found) return found;
    if (path.dirname(current) === current) break;
  }
  throw new SparkfnConstructError(
    `SparkfnEngine: the batch driver function is bundled with esbuild at synth, which needs your project's lock file (${LOCK_FILES.join(", ")}) in a folder above ${dir}; install sparkfn with your package manager (e.g. npm install) so that it writes one.`,
  );
}
