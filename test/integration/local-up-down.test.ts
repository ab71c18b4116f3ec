/**
 * `local:up` starts an emulator only when none answers, and `local:down` stops only what
 * `local:up` started. Runs a second, private MiniStack on another port with its own state
 * folder, so the suite's emulator is untouched (and the test checks that too).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, expect, it } from "vitest";
import { localEnv, runScript } from "../setup/local-env.ts";

const healthy = async (endpoint: string) =>
  fetch(`${endpoint}/_localstack/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let state: string | undefined;
afterAll(async () => {
  if (state) await rm(state, { recursive: true, force: true });
});

it("starts a private emulator, reuses it, and stops exactly that process", async () => {
  state = await mkdtemp(path.join(tmpdir(), "sparkfn-local-"));
  const port = 45_000 + Math.floor(Math.random() * 1000);
  const endpoint = `http://127.0.0.1:${port}`;
  const env = localEnv({ AWS_ENDPOINT_URL: endpoint, AWS_ENDPOINT_URL_S3: endpoint, SPARKFN_LOCAL_STATE: state });
  const suiteEndpoint = process.env.AWS_ENDPOINT_URL!;

  expect(runScript("down.sh", env)).toContain("nothing to stop");
  expect(await healthy(suiteEndpoint)).toBe(true);

  expect(runScript("up.sh", env)).toContain("MiniStack is up");
  const pid = Number(await readFile(path.join(state, "ministack.pid"), "utf8"));
  expect(alive(pid)).toBe(true);
  expect(await healthy(endpoint)).toBe(true);
  expect(runScript("status.sh", env)).toContain("started by: ministack");

  expect(runScript("up.sh", env)).toContain("using the endpoint already running");
  expect(Number(await readFile(path.join(state, "ministack.pid"), "utf8"))).toBe(pid);

  expect(runScript("down.sh", env)).toContain(`stopped MiniStack (pid ${pid})`);
  expect(alive(pid)).toBe(false);
  expect(await healthy(endpoint)).toBe(false);
  expect(runScript("down.sh", env)).toContain("nothing to stop");
  // The suite's emulator, which this test did not start, still answers.
  expect(await healthy(suiteEndpoint)).toBe(true);
});
