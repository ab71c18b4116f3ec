/**
 * `sparkfn local up|down|status` end to end with a fake MiniStack: a virtualenv whose `python`
 * answers the version check and, for `-m ministack`, runs a small HTTP server with the health
 * check, which also starts a child process (as MiniStack starts Lambda workers). No Python,
 * Docker or emulator needed.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localDown, localStatus, localUp, type LocalOptions } from "../../../driver/local/commands.ts";
import { endpointHealthy } from "../../../driver/local/endpoint.ts";
import { LocalEmulatorError } from "../../../driver/local/errors.ts";

const FAKE_SERVER = `import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
if (process.env.FAKE_MINISTACK_FAIL) {
  console.error("fake ministack: cannot bind, giving up");
  process.exit(3);
}
const worker = spawn("sleep", ["300"], { stdio: "ignore" });
writeFileSync(process.env.FAKE_MINISTACK_WORKER_PID, String(worker.pid));
createServer((req, res) => res.writeHead(req.url === "/_localstack/health" ? 200 : 404).end("{}"))
  .listen(Number(process.env.GATEWAY_PORT), process.env.BIND_HOST, () =>
    console.log("fake ministack listening on " + process.env.BIND_HOST + ":" + process.env.GATEWAY_PORT + " log level " + process.env.LOG_LEVEL));
`;
const FAKE_PYTHON = `#!/bin/sh
# The version check (python -c ...) passes; -m ministack runs the fake server.
if [ "$1" = "-c" ]; then exit 0; fi
exec "${process.execPath}" "$(dirname "$0")/fake-ministack.mjs" "$@"
`;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let dir: string;
let lines: string[];
let options: LocalOptions;
let endpoint: string;
let started: number[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-local-cmd-"));
  await mkdir(path.join(dir, "venv", "bin"), { recursive: true });
  await writeFile(path.join(dir, "venv", "bin", "fake-ministack.mjs"), FAKE_SERVER);
  await writeFile(path.join(dir, "venv", "bin", "python"), FAKE_PYTHON);
  await chmod(path.join(dir, "venv", "bin", "python"), 0o755);
  endpoint = `http://127.0.0.1:${await freePort()}`;
  lines = [];
  started = [];
  options = {
    cwd: dir,
    log: (line) => lines.push(line),
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_ENDPOINT_URL: endpoint,
      SPARKFN_LOCAL_STATE: path.join(dir, "state"),
      SPARKFN_MINISTACK_VENV: path.join(dir, "venv"),
      FAKE_MINISTACK_WORKER_PID: path.join(dir, "worker.pid"),
    },
  };
});

afterEach(async () => {
  // A failed test must not leave a fake emulator behind.
  for (const pid of started) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  await rm(dir, { recursive: true, force: true });
});

const pidOf = async (file: string) => Number(await readFile(file, "utf8"));

describe("sparkfn local", () => {
  it("starts MiniStack in its own process group, reuses it, reports it, and stops it with its workers", async () => {
    await localDown(options);
    expect(lines.pop()).toContain("nothing to stop");

    await localUp(options);
    const pid = await pidOf(path.join(dir, "state", "ministack.pid"));
    started.push(pid);
    expect(lines.at(-1)).toBe(`sparkfn local up: MiniStack is up (pid ${pid}); stop it with sparkfn local down`);
    expect(await readFile(path.join(dir, "state", "started-by"), "utf8")).toBe("ministack\n");
    expect(await endpointHealthy(endpoint)).toBe(true);
    // The environment MiniStack got, as its log shows it.
    expect(await readFile(path.join(dir, "state", "ministack.log"), "utf8")).toContain(`listening on 127.0.0.1:${new URL(endpoint).port} log level WARNING`);
    const worker = await pidOf(path.join(dir, "worker.pid"));
    expect(alive(worker)).toBe(true);

    await localUp(options);
    expect(lines.at(-1)).toBe(`sparkfn local up: using the endpoint already running at ${endpoint}`);
    expect(await pidOf(path.join(dir, "state", "ministack.pid"))).toBe(pid);

    await localStatus(options);
    expect(lines.at(-1)).toBe(`sparkfn local status: up at ${endpoint} (started by: ministack, pid ${pid})`);

    await localDown(options);
    expect(lines.at(-1)).toBe(`sparkfn local down: stopped MiniStack (pid ${pid})`);
    expect(alive(pid)).toBe(false);
    // The whole process group went: the worker MiniStack started too.
    for (let i = 0; i < 20 && alive(worker); i++) await sleep(100);
    expect(alive(worker)).toBe(false);
    expect(await endpointHealthy(endpoint)).toBe(false);
    await expect(localStatus(options)).rejects.toThrow(`nothing answers at ${endpoint}; start an emulator with sparkfn local up.`);

    await localDown(options);
    expect(lines.at(-1)).toContain("nothing to stop");
  });

  it("uses an endpoint it did not start as it is, and never stops it", async () => {
    const server: Server = createServer((req, res) => res.writeHead(200).end("{}"));
    await new Promise<void>((resolve) => server.listen(Number(new URL(endpoint).port), "127.0.0.1", resolve));
    try {
      await localUp(options);
      expect(lines.at(-1)).toBe(`sparkfn local up: using the endpoint already running at ${endpoint}`);
      await localStatus(options);
      expect(lines.at(-1)).toContain("(started by: not sparkfn local up)");
      await localDown(options);
      expect(lines.at(-1)).toContain("nothing to stop");
      expect(await endpointHealthy(endpoint)).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("does not stop a process that took the recorded pid, and forgets the record", async () => {
    await mkdir(path.join(dir, "state"));
    // This test's own process: alive, but not MiniStack.
    await writeFile(path.join(dir, "state", "ministack.pid"), `${process.pid}\n`);
    await writeFile(path.join(dir, "state", "started-by"), "ministack\n");
    await localDown(options);
    expect(lines.at(-1)).toBe("sparkfn local down: the MiniStack that sparkfn local up started is no longer running");
    await localDown(options);
    expect(lines.at(-1)).toContain("nothing to stop");
  });

  it("says why when MiniStack exits during start-up, with the end of its log", async () => {
    const failing = { ...options, env: { ...options.env, FAKE_MINISTACK_FAIL: "1" } };
    const error = await localUp(failing).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LocalEmulatorError);
    expect((error as Error).message).toContain("the emulator exited during start-up");
    expect((error as Error).message).toContain("fake ministack: cannot bind, giving up");
  });

  it("refuses to start anything for an endpoint on another machine", async () => {
    const remote = { ...options, env: { ...options.env, AWS_ENDPOINT_URL: "http://192.0.2.1:4566" } };
    await expect(localUp(remote)).rejects.toThrow(/not a local address/);
    expect(lines).toEqual([]);
  });
});
