/**
 * sparkfn as users install it: `npm pack` (which builds dist/), then the tarball installed
 * with npm into fresh projects outside this repository (offline: test/support/offline-install.ts).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installProject, packTarball, ROOT } from "../support/offline-install.ts";

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
  tarball = await packTarball(work);
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function project(name: string, options: Parameters<typeof installProject>[2]): Promise<string> {
  const dir = path.join(work, name);
  await run("mkdir", ["-p", dir]);
  await installProject(dir, tarball, options);
  return dir;
}

describe("the packed tarball", () => {
  it("holds compiled JavaScript and declarations, no TypeScript source or tests", async () => {
    const { stdout } = await run("tar", ["tzf", tarball], { maxBuffer: 16 << 20 });
    const files = stdout.trim().split("\n");
    expect(files).toContain("package/dist/driver/index.js");
    expect(files).toContain("package/dist/driver/index.d.ts");
    expect(files).toContain("package/dist/driver/bin/sparkfn.js");
    expect(files).toContain("package/dist/executor-fn/local-worker.js");
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    expect(files.filter((f) => f.startsWith("package/test/") || f.startsWith("package/bench/"))).toEqual([]);
  });

  it("runs in an ES module project: .mjs with plain node, .ts with tsx through `sparkfn submit`, and --version", async () => {
    const dir = await project("esm", { fields: { type: "module" } });
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
      const dir = await project(`tsc-${moduleResolution}`, { fields: { type: "module" }, devPackages: ["typescript", "@types/node"] });
      const tsconfig = {
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: moduleResolution === "NodeNext" ? "NodeNext" : "ESNext",
          moduleResolution,
          outDir: "out",
          // Every declaration file checked, sparkfn's and its dependencies' alike.
          skipLibCheck: false,
          types: ["node"],
        },
        include: ["job.ts"],
      };
      await writeFile(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
      // A type error the user's tsc must catch: proof that sparkfn's types are read, not `any`.
      await writeFile(path.join(dir, "job.ts"), `${JOB}\nexport const wrong: number = spark.sparkContext;\n`);
      const failed = await npx(dir, ["tsc", "-p", "."]).then(
        () => "",
        (error: { stdout: string }) => error.stdout,
      );
      expect(failed).toMatch(/job\.ts.*error TS2322/);
      await writeFile(path.join(dir, "job.ts"), JOB);
      await npx(dir, ["tsc", "-p", "."]);
      expect(lastJson((await node(dir, ["out/job.js"])).stdout)).toEqual(expected);
    }, 180_000);
  }
});
