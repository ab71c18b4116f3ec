/**
 * MiniStack (PyPI `ministack`, pinned), the emulator `sparkfn local up` falls back to: installed
 * into a virtualenv, started in its own process group (so `down` stops it together with the
 * Lambda worker processes it spawns, and nothing else), its output in a log file.
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import * as path from "node:path";
import { MINISTACK_VERSION } from "./env.ts";
import { LocalEmulatorError } from "./errors.ts";
import { commandLine } from "./processes.ts";

const python = (venv: string) => path.join(venv, "bin", "python");

/** Whether the virtualenv holds MiniStack at the pinned version. */
export function ministackInstalled(venv: string): boolean {
  const check = `import importlib.metadata as m, sys; sys.exit(m.version('ministack') != '${MINISTACK_VERSION}')`;
  return spawnSync(python(venv), ["-c", check], { stdio: "ignore" }).status === 0;
}

function runOrThrow(command: string, args: string[], what: string, fix: string): void {
  const result = spawnSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.status === 0) return;
  const reason = result.error ? result.error.message : `exit status ${result.status ?? result.signal}${result.stderr.trim() ? `: ${result.stderr.trim().split("\n").slice(-5).join(" | ")}` : ""}`;
  throw new LocalEmulatorError(`${what} failed (${reason}). ${fix}`);
}

/** Creates the virtualenv and installs the pinned MiniStack into it (needs python3 and PyPI). */
export function installMinistack(venv: string): void {
  const fix = "MiniStack needs Python 3 with venv and pip, and PyPI (or a pip mirror) reachable; or start LocalStack yourself (Docker and LOCALSTACK_AUTH_TOKEN), or point AWS_ENDPOINT_URL at a running emulator.";
  mkdirSync(path.dirname(venv), { recursive: true });
  runOrThrow("python3", ["-m", "venv", venv], `python3 -m venv ${venv}`, fix);
  runOrThrow(path.join(venv, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", `ministack==${MINISTACK_VERSION}`], `pip install ministack==${MINISTACK_VERSION}`, fix);
}

/**
 * Starts `python -m ministack` on 127.0.0.1:`port` as the leader of a new process group and
 * session (detached), stdout and stderr to `logFile`; returns its pid. Does not wait for it.
 */
export function startMinistack(venv: string, port: number, logFile: string, env: NodeJS.ProcessEnv): number {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = openSync(logFile, "w");
  try {
    const child = spawn(python(venv), ["-m", "ministack"], {
      detached: true,
      stdio: ["ignore", log, log],
      env: { ...env, BIND_HOST: "127.0.0.1", GATEWAY_PORT: String(port), LOG_LEVEL: env.MINISTACK_LOG_LEVEL || "WARNING" },
    });
    // A failed start (e.g. ENOENT) also ends up as an 'error' event; the pid check below reports it.
    child.on("error", () => undefined);
    child.unref();
    if (child.pid === undefined) throw new LocalEmulatorError(`could not start ${python(venv)} -m ministack; reinstall it by removing ${venv} and running sparkfn local up again.`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** Whether `pid` is a running MiniStack (not another program that got its pid since). */
export function isMinistack(pid: number): boolean {
  return commandLine(pid).includes("ministack");
}
