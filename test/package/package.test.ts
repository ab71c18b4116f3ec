/**
 * sparkfn as users install it: `npm pack` (which builds dist/), then the tarball installed
 * with npm into fresh projects outside this repository (offline: test/support/offline-install.ts).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installProject, ROOT } from "../support/offline-install.ts";
import { packedTarball } from "../support/packed-tarball.ts";
import { expectedExampleLines, HOST_PROJECT, projectEnv, scaffoldProject } from "../support/scaffolded-project.ts";

const run = promisify(execFile);
const node = (cwd: string, args: string[]) => run(process.execPath, args, { cwd, maxBuffer: 16 << 20, env: { ...process.env, NODE_OPTIONS: "" } });
const npx = (cwd: string, args: string[]) => run("npx", ["--no-install", ...args], { cwd, maxBuffer: 16 << 20, env: { ...process.env, NODE_OPTIONS: "" } });

/** The job every project runs: sums of id by id % 3 over range(0, 100), computed here independently. */
const expected = [0, 1, 2].map((k) => ({ k, s: Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 3 === k).reduce((a, b) => a + b, 0) }));
const JOB = `import { SparkSession, col, sum } from "sparkfn";
const spark = await SparkSession.builder().master("local[2]").getOrCreate();
const rows = await spark.range(0, 100).withColumn("k", col("id").mod(3)).groupBy("k").agg(sum("id").alias("s")).orderBy("k").collect();
console.log(JSON.stringify(rows));
await spark.stop();
`;
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").pop()!) as unknown;

let work: string;
let tarball: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "sparkfn-package-"));
  tarball = await packedTarball();
}, 180_000);

// Five projects' node_modules: more than the default 10 s to delete on a busy machine.
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
}, 120_000);

async function project(name: string, options: Parameters<typeof installProject>[2]): Promise<string> {
  const dir = path.join(work, name);
  await run("mkdir", ["-p", dir]);
  await installProject(dir, tarball, options);
  return dir;
}

/** The project of the tsc tests, installed once for both (the same package.json and lock). */
let tscProject: Promise<string> | undefined;
/**
 * An ES module project with sparkfn alone, installed once: the ES module test's project and
 * the one `sparkfn init` runs in are the same package.json and lock.
 */
let esmProject: Promise<string> | undefined;
const esm = () => (esmProject ??= project("esm", HOST_PROJECT));

describe("the packed tarball", () => {
  it("holds compiled JavaScript and declarations, no TypeScript source or tests", async () => {
    const { stdout } = await run("tar", ["tzf", tarball], { maxBuffer: 16 << 20 });
    const files = stdout.trim().split("\n");
    expect(files).toContain("package/dist/driver/index.js");
    expect(files).toContain("package/dist/driver/index.d.ts");
    expect(files).toContain("package/dist/driver/bin/sparkfn.js");
    expect(files).toContain("package/dist/executor-fn/local-worker.js");
    // What `sparkfn local up` and `sparkfn init` ship next to the code.
    expect(files).toContain("package/dist/localstack/docker-compose.yml");
    expect(files).toContain("package/dist/templates/init/test/example.test.ts.tmpl");
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    expect(files.filter((f) => f.startsWith("package/test/") || f.startsWith("package/bench/"))).toEqual([]);
  });

  it("runs in an ES module project: .mjs with plain node, .ts with tsx through `sparkfn submit`, and --version", async () => {
    const dir = await esm();
    await writeFile(path.join(dir, "job.mjs"), JOB);
    expect(lastJson((await node(dir, ["job.mjs"])).stdout)).toEqual(expected);

    await writeFile(path.join(dir, "job.ts"), JOB.replace("const rows =", "const rows: Record<string, unknown>[] ="));
    const submitted = await npx(dir, ["sparkfn", "submit", "job.ts", "--conf", "spark.eventLog.enabled=false", "--conf", "spark.ui.showConsoleProgress=false"]);
    expect(lastJson(submitted.stdout)).toEqual(expected);

    const { version } = JSON.parse(await import("node:fs/promises").then((fs) => fs.readFile(path.join(ROOT, "package.json"), "utf8"))) as { version: string };
    expect((await npx(dir, ["sparkfn", "--version"])).stdout.trim()).toBe(version);
  }, 180_000);

  it("tells a CommonJS require() how to load it, and works there through import()", async () => {
    const dir = await project("cjs", {});
    await writeFile(path.join(dir, "require.js"), 'try { require("sparkfn"); } catch (error) { console.log(error.message); }\n');
    const { stdout } = await node(dir, ["require.js"]);
    expect(stdout).toMatch(/ES module package/);
    expect(stdout).toMatch(/"type": "module"/);
    expect(stdout).toMatch(/await import\("sparkfn"\)/);

    await writeFile(path.join(dir, "dynamic.js"), `(async () => { const { SparkSession } = await import("sparkfn"); const spark = await SparkSession.builder().master("local[1]").getOrCreate(); console.log(JSON.stringify({ n: (await spark.range(0, 7).collect()).length })); await spark.stop(); })();\n`);
    expect(lastJson((await node(dir, ["dynamic.js"])).stdout)).toEqual({ n: 7 });
  }, 180_000);

  for (const moduleResolution of ["NodeNext", "Bundler"] as const) {
    it(`type-checks and emits a user's job with tsc (strict, ${moduleResolution}), and the emitted job runs`, async () => {
      // A Node project's usual development packages: TypeScript and Node's types.
      tscProject ??= project("tsc", { fields: { type: "module" }, devPackages: ["typescript", "@types/node"] });
      const dir = await tscProject;
      const tsconfig = {
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: moduleResolution === "NodeNext" ? "NodeNext" : "ESNext",
          moduleResolution,
          // Each test its own: the other's output cannot stand in for it.
          outDir: `out-${moduleResolution}`,
          // Every declaration file checked, sparkfn's and its dependencies' alike.
          skipLibCheck: false,
          types: ["node"],
        },
        include: ["job.ts", "wrong.ts"],
      };
      const config = `tsconfig.${moduleResolution}.json`;
      await writeFile(path.join(dir, config), JSON.stringify(tsconfig, null, 2));
      // One type check (the slow part: every declaration file) of two jobs: wrong.ts has a type
      // error the user's tsc must catch (proof that sparkfn's types are read, not `any`), and
      // job.ts must check clean, so that error is the only one tsc reports.
      await writeFile(path.join(dir, "job.ts"), JOB);
      await writeFile(path.join(dir, "wrong.ts"), `${JOB}\nexport const wrong: number = spark.sparkContext;\n`);
      const failed = await npx(dir, ["tsc", "-p", config]).then(
        () => "",
        (error: { stdout: string }) => error.stdout,
      );
      const errors = failed.split("\n").filter((line) => /error TS\d+/.test(line));
      expect(errors, failed).toHaveLength(1);
      expect(errors[0]).toMatch(/^wrong\.ts\(\d+,\d+\): error TS2322/);
      // tsc emits in spite of the error (noEmitOnError is off): the clean job's output runs.
      expect(lastJson((await node(dir, [`out-${moduleResolution}/job.js`])).stdout)).toEqual(expected);
    }, 180_000);
  }
});

describe("sparkfn/cdk in a user's CDK app", () => {
  interface Resource {
    Type: string;
    Properties: { Handler?: string; Runtime?: string; Code?: Record<string, unknown>; Environment?: { Variables?: Record<string, unknown> } };
  }
  const APP = `import { App, Stack } from "aws-cdk-lib";
import { SparkfnEngine, SparkfnStack } from "sparkfn/cdk";
const [outdir, jobsModule] = process.argv.slice(2);
const app = new App({ outdir });
if (jobsModule) new SparkfnEngine(new Stack(app, "Mine"), "Engine", { batch: { jobsModule } });
else new SparkfnStack(app);
app.synth();
`;
  // A job name that can only reach the driver's bundle from the user's jobs module.
  const JOBS = `import { col, type JobRegistry } from "sparkfn";
export const jobs: JobRegistry = { "user-job-5e1f": async (spark) => ({ n: (await spark.range(0, 3).filter(col("id").gt(0)).collect()).length }) };
`;

  it("synthesizes with plain node and no credentials: the executor from the prebuilt bundle, the driver with the user's jobs", async () => {
    const dir = await project("cdk", { fields: { type: "module" }, devPackages: ["aws-cdk-lib", "constructs"] });
    await writeFile(path.join(dir, "app.mjs"), APP);
    await writeFile(path.join(dir, "jobs.ts"), JOBS);
    await run("mkdir", ["-p", path.join(dir, "home")]);
    // No AWS variables, no profile, no instance metadata: synth must not need an account.
    const env = { PATH: process.env.PATH!, HOME: path.join(dir, "home"), AWS_EC2_METADATA_DISABLED: "true" };
    const synth = (args: string[]) => run(process.execPath, ["app.mjs", ...args], { cwd: dir, env, maxBuffer: 16 << 20 });
    const template = async (out: string, stack: string) =>
      JSON.parse(await readFile(path.join(dir, out, `${stack}.template.json`), "utf8")) as { Resources: Record<string, Resource> };
    const functions = (t: { Resources: Record<string, Resource> }) => Object.values(t.Resources).filter((r) => r.Type === "AWS::Lambda::Function");
    /** The asset folder in cdk.out an S3-deployed function's code comes from (its S3 key is the asset hash). */
    const assetOf = (out: string, fn: Resource) => {
      expect(fn.Properties.Code).not.toHaveProperty("ZipFile");
      const key = fn.Properties.Code?.S3Key;
      expect(key).toMatch(/^[0-9a-f]{64}\.zip$/);
      return path.join(dir, out, `asset.${String(key).slice(0, -".zip".length)}`);
    };
    const prebuilt = path.join(dir, "node_modules", "sparkfn", "dist", "assets", "executor");

    // Without a lock file in reach, a synth-time bundle of the executor could not even start (NodejsFunction needs one).
    await rename(path.join(dir, "package-lock.json"), path.join(dir, "package-lock.json.aside"));
    await synth(["out-engine"]);
    await rename(path.join(dir, "package-lock.json.aside"), path.join(dir, "package-lock.json"));
    const [executor, ...others] = functions(await template("out-engine", "Sparkfn"));
    expect(others).toEqual([]);
    expect(executor!.Properties).toMatchObject({ Handler: "index.handler", Runtime: "nodejs22.x" });
    const executorAsset = assetOf("out-engine", executor!);
    expect((await readdir(executorAsset)).sort()).toEqual(["index.js", "index.js.map"]);
    // Byte for byte the bundle shipped in the package.
    expect((await readFile(path.join(executorAsset, "index.js"))).equals(await readFile(path.join(prebuilt, "index.js")))).toBe(true);

    await synth(["out-batch", path.join(dir, "jobs.ts")]);
    const batch = functions(await template("out-batch", "Mine"));
    expect(batch).toHaveLength(2);
    const driver = batch.find((fn) => fn.Properties.Environment?.Variables?.SPARKFN_DEAD_LETTER_QUEUE_URL !== undefined)!;
    expect(driver).toBeDefined();
    const batchExecutor = batch.find((fn) => fn !== driver)!;
    expect(path.basename(assetOf("out-batch", batchExecutor))).toBe(path.basename(executorAsset));
    const driverAsset = assetOf("out-batch", driver);
    expect(await readFile(path.join(driverAsset, "index.js"), "utf8")).toContain("user-job-5e1f");
    // Built inside the user's project only: the user's module and installed packages (sparkfn's
    // compiled files, whose source maps esbuild follows back to sparkfn's own sources).
    const { sources } = JSON.parse(await readFile(path.join(driverAsset, "index.js.map"), "utf8")) as { sources: string[] };
    expect(sources.filter((s) => !s.startsWith("../../node_modules/"))).toEqual(["../../jobs.ts"]);
    expect(sources).toContain("../../node_modules/sparkfn/driver/batch/batch-driver.ts");
  }, 240_000);
});

describe("a project made by `sparkfn init`", () => {
  it("is written by `npx sparkfn init`, and passes its own npm test, type check and run against the installed package", async () => {
    // The development packages its test and type check use.
    const { app, host, initOutput, manifest, files } = await scaffoldProject(work, tarball, "my-app", ["typescript", "@types/node", "vitest", "aws-cdk-lib", "constructs"], await esm());
    expect(initOutput).toContain("sparkfn init: created my-app");
    expect(files).toEqual([".gitignore", "README.md", "cdk.json", "data/sales.csv", "infra/app.ts", "jobs/example.ts", "jobs/index.ts", "jobs/main.ts", "package.json", "test/example.test.ts", "tsconfig.json"]);
    const { version } = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(manifest).toMatchObject({ name: "my-app", type: "module", dependencies: { sparkfn: `^${version}` } });
    const again = await npx(host, ["sparkfn", "init", app]).then(
      () => "",
      (error: { stderr: string }) => error.stderr,
    );
    expect(again).toContain(`${app} is not empty`);

    const npm = (args: string[]) => run("npm", args, { cwd: app, env: projectEnv(), maxBuffer: 16 << 20 });
    // Its test and its type check only read the project: side by side, the one waits less on the other.
    const [tested] = await Promise.all([npm(["test"]), npm(["run", "typecheck"])]);
    expect(tested.stdout).toMatch(/Tests\s+1 passed \(1\)/);
    const ran = await npm(["run", "--silent", "run", "--", "--conf", "spark.eventLog.enabled=false", "--conf", "spark.ui.showConsoleProgress=false"]);
    expect(ran.stdout.trim().split("\n")).toEqual(expectedExampleLines(await readFile(path.join(app, "data", "sales.csv"), "utf8")));
  }, 300_000);
});
