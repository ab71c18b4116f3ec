/**
 * A project made by `sparkfn init`, as its user runs it against the emulator: `npx sparkfn
 * local up` (which finds the suite's emulator and uses it), `npm run deploy:local` (sparkfn
 * deploy --local: cdklocal deploy of the project's CDK app, which uses `SparkfnEngine` from
 * sparkfn/cdk), and the example job on master lambda; `npx sparkfn local down` leaves the
 * emulator it did not start running.
 *
 * The project's stack gets its own name, so the suite's `Sparkfn` stack is left as it is; it
 * is destroyed at the end.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { endpointHealthy } from "../../driver/local/endpoint.ts";
import { packedTarball } from "../support/packed-tarball.ts";
import { expectedExampleLines, projectEnv, scaffoldProject } from "../support/scaffolded-project.ts";

const run = promisify(execFile);
const STACK = "SparkfnScaffoldTest";

let work: string;
let app: string | undefined;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "sparkfn-scaffold-lambda-"));
}, 60_000);

afterAll(async () => {
  if (app) {
    await run(path.join(app, "node_modules", ".bin", "cdklocal"), ["destroy", "--force", "--no-notices", "-c", `stackName=${STACK}`], { cwd: app, env: projectEnv(), maxBuffer: 16 << 20 }).catch((error: unknown) =>
      console.error(`could not destroy ${STACK}: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
  if (work) await rm(work, { recursive: true, force: true });
}, 180_000);

it("deploys with `sparkfn deploy --local` and runs its example job on master lambda", async () => {
  const tarball = await packedTarball();
  const scaffolded = await scaffoldProject(work, tarball, "lambda-app", ["typescript", "@types/node", "aws-cdk", "aws-cdk-local", "aws-cdk-lib", "constructs"]);
  app = scaffolded.app;
  const env = projectEnv({ SPARKFN_STACK_NAME: STACK });
  const npx = (args: string[]) => run("npx", ["--no-install", ...args], { cwd: app, env, maxBuffer: 16 << 20 });
  const npm = (args: string[]) => run("npm", args, { cwd: app, env, maxBuffer: 16 << 20 });
  const endpoint = process.env.AWS_ENDPOINT_URL!;

  expect((await npx(["sparkfn", "local", "up"])).stdout).toContain(`using the endpoint already running at ${endpoint}`);
  await npm(["run", "deploy:local", "--", "-c", `stackName=${STACK}`]);

  const ran = await npm(["run", "--silent", "run", "--", "--master", "lambda", "--conf", "spark.eventLog.enabled=false", "--conf", "spark.ui.showConsoleProgress=false"]);
  expect(ran.stdout.trim().split("\n")).toEqual(expectedExampleLines(await readFile(path.join(app, "data", "sales.csv"), "utf8")));

  expect((await npx(["sparkfn", "local", "down"])).stdout).toContain("nothing to stop");
  expect(await endpointHealthy(endpoint)).toBe(true);
}, 900_000);
