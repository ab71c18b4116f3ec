/**
 * `sparkfn deploy`: the project's own cdk/cdklocal, found in node_modules/.bin, run in the
 * project with the right arguments and environment. The CDK CLI is a fake here: a script that
 * records its arguments and environment.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deploy, deployCommands, findCdkBin } from "../../../driver/deploy/deploy.ts";
import { DeployError } from "../../../driver/deploy/errors.ts";

// Appends one JSON line per call: its arguments, working directory and the variables deploy sets.
const FAKE_CDK = `#!/bin/sh
"${process.execPath}" -e 'const e = process.env; require("node:fs").appendFileSync(e.CALLS, JSON.stringify({ args: process.argv.slice(1), cwd: process.cwd(), endpoint: e.AWS_ENDPOINT_URL ?? null, key: e.AWS_ACCESS_KEY_ID ?? null }) + "\\n")' -- "$@"
exit "\${FAKE_EXIT:-0}"
`;

let dir: string;
let project: string;
let server: Server | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-deploy-"));
  project = path.join(dir, "app");
  await mkdir(path.join(dir, "node_modules", ".bin"), { recursive: true });
  await mkdir(project);
  await writeFile(path.join(project, "cdk.json"), "{}");
  for (const tool of ["cdk", "cdklocal"]) {
    await writeFile(path.join(dir, "node_modules", ".bin", tool), FAKE_CDK);
    await chmod(path.join(dir, "node_modules", ".bin", tool), 0o755);
  }
});

afterEach(async () => {
  if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function healthyEndpoint(): Promise<string> {
  server = createServer((req, res) => res.writeHead(req.url === "/_localstack/health" ? 200 : 404).end("{}"));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const calls = async () =>
  (await readFile(path.join(dir, "calls.jsonl"), "utf8").catch(() => ""))
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { args: string[]; cwd: string; endpoint: string | null; key: string | null });

describe("deployCommands", () => {
  it("deploys with cdk as given, or on the emulator bootstraps first and never asks for approval", () => {
    expect(deployCommands({ local: false, args: ["-c", "a=b"] }, "/p/cdk")).toEqual([{ bin: "/p/cdk", args: ["deploy", "-c", "a=b"], quiet: false }]);
    expect(deployCommands({ local: true, args: ["--outputs-file", "o.json"] }, "/p/cdklocal")).toEqual([
      { bin: "/p/cdklocal", args: ["bootstrap", "--no-notices"], quiet: true },
      { bin: "/p/cdklocal", args: ["deploy", "--no-notices", "--require-approval", "never", "--outputs-file", "o.json"], quiet: false },
    ]);
  });
});

describe("deploy", () => {
  it("runs the project's cdklocal against the emulator, in the project, with the extra arguments", async () => {
    const endpoint = await healthyEndpoint();
    await deploy({ local: true, args: ["-c", "k=v"], cwd: project, env: { PATH: process.env.PATH, CALLS: path.join(dir, "calls.jsonl"), AWS_ENDPOINT_URL: endpoint } });
    expect(await calls()).toEqual([
      { args: ["bootstrap", "--no-notices"], cwd: project, endpoint, key: "test" },
      { args: ["deploy", "--no-notices", "--require-approval", "never", "-c", "k=v"], cwd: project, endpoint, key: "test" },
    ]);
  });

  it("runs cdk deploy without the emulator's environment for AWS", async () => {
    await deploy({ local: false, args: [], cwd: project, env: { PATH: process.env.PATH, CALLS: path.join(dir, "calls.jsonl") } });
    expect(await calls()).toEqual([{ args: ["deploy"], cwd: project, endpoint: null, key: null }]);
  });

  it("fails with what to do: no cdk.json, no emulator, no CDK CLI, cdk failed", async () => {
    const env = { PATH: process.env.PATH, CALLS: path.join(dir, "calls.jsonl") };
    await expect(deploy({ local: false, args: [], cwd: dir, env })).rejects.toThrow(`no cdk.json in ${dir}: run sparkfn deploy in the folder of your CDK app`);

    const free = await healthyEndpoint();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    await expect(deploy({ local: true, args: [], cwd: project, env: { ...env, AWS_ENDPOINT_URL: free } })).rejects.toThrow(`nothing answers at ${free}; start the emulator first with sparkfn local up.`);

    await rm(path.join(dir, "node_modules"), { recursive: true });
    await expect(deploy({ local: false, args: [], cwd: project, env })).rejects.toThrow(DeployError);
    expect(() => findCdkBin(project, "cdklocal")).toThrow("install it with: npm install --save-dev aws-cdk aws-cdk-local");
    expect(await calls()).toEqual([]);
  });

  it("reports a failed cdk run as a DeployError", async () => {
    const error = await deploy({ local: false, args: [], cwd: project, env: { PATH: process.env.PATH, CALLS: path.join(dir, "calls.jsonl"), FAKE_EXIT: "2" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployError);
    expect((error as Error).message).toBe("cdk deploy failed (exit status 2); see its output above.");
  });
});
