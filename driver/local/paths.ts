/**
 * Where `sparkfn local` keeps its files:
 * - the state folder (which emulator `up` started, MiniStack's pid file and log):
 *   $SPARKFN_LOCAL_STATE, else `.sparkfn/local/` in the project (the nearest folder upwards
 *   from the working directory that has a package.json, else the working directory). Each
 *   project has its own, so `down` stops only what `up` started from that project.
 * - the MiniStack virtualenv: $SPARKFN_MINISTACK_VENV, else one per MiniStack version in the
 *   user's cache ($XDG_CACHE_HOME or ~/.cache, then sparkfn/ministack-<version>), shared by
 *   all projects so it is installed once.
 * The repository's localstack/*.sh scripts set both to its `.localstack/` folder.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";
import { MINISTACK_VERSION } from "./env.ts";

export interface LocalPaths {
  readonly state: string;
  readonly venv: string;
  /** Which emulator `up` started: "ministack" or "compose". */
  readonly startedBy: string;
  readonly pidFile: string;
  readonly logFile: string;
}

/** The project a command run in `cwd` belongs to: the nearest folder upwards with a package.json. */
export function projectRoot(cwd: string): string {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(cwd);
  }
}

export function localPaths(env: NodeJS.ProcessEnv, cwd: string): LocalPaths {
  const state = env.SPARKFN_LOCAL_STATE ? path.resolve(cwd, env.SPARKFN_LOCAL_STATE) : path.join(projectRoot(cwd), ".sparkfn", "local");
  const cache = env.XDG_CACHE_HOME || path.join(env.HOME || homedir(), ".cache");
  const venv = env.SPARKFN_MINISTACK_VENV ? path.resolve(cwd, env.SPARKFN_MINISTACK_VENV) : path.join(cache, "sparkfn", `ministack-${MINISTACK_VERSION}`);
  return {
    state,
    venv,
    startedBy: path.join(state, "started-by"),
    pidFile: path.join(state, "ministack.pid"),
    logFile: path.join(state, "ministack.log"),
  };
}
