/**
 * `sparkfn local up|down|status`: makes sure a LocalStack-compatible endpoint answers on
 * $AWS_ENDPOINT_URL (default http://127.0.0.1:4566), in this order:
 *   1. an endpoint already answering there is used as it is (and never stopped by `down`);
 *   2. with a working Docker and LOCALSTACK_AUTH_TOKEN, LocalStack starts with the compose file;
 *   3. otherwise MiniStack (pinned) is installed into a virtualenv and started in its own
 *      process group; its pid and log go to the state folder (paths.ts) for `down`.
 */
import { readFile, mkdir } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { compose, dockerWorks } from "./compose.ts";
import { endpointHealthy } from "./endpoint.ts";
import { withEmulatorEnv } from "./env.ts";
import { LocalEmulatorError } from "./errors.ts";
import { installMinistack, isMinistack, ministackInstalled, startMinistack } from "./ministack.ts";
import { localPaths, type LocalPaths } from "./paths.ts";
import { planStart, planStop } from "./plan.ts";
import { alive, stopGroup } from "./processes.ts";
import { clearState, readState, recordStart } from "./state.ts";

export interface LocalOptions {
  /** The environment the command runs in (the emulator's defaults are filled in). */
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Where progress lines go (stdout in the CLI). */
  readonly log: (line: string) => void;
}

interface Context {
  readonly env: NodeJS.ProcessEnv;
  readonly endpoint: string;
  readonly paths: LocalPaths;
  readonly log: (line: string) => void;
}

function context(options: LocalOptions): Context {
  const env = withEmulatorEnv(options.env);
  return { env, endpoint: env.AWS_ENDPOINT_URL!, paths: localPaths(env, options.cwd), log: options.log };
}

async function logTail(file: string, lines = 20): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Waits until the endpoint answers; fails early when the process `pid` (if given) exits. */
async function waitHealthy(ctx: Context, seconds: number, pid?: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await endpointHealthy(ctx.endpoint, 1000)) return;
    if (pid !== undefined && !alive(pid)) {
      throw new LocalEmulatorError(`the emulator exited during start-up; the last lines of ${ctx.paths.logFile}:\n${await logTail(ctx.paths.logFile)}`);
    }
    await sleep(250);
  }
  throw new LocalEmulatorError(`no healthy endpoint at ${ctx.endpoint} after ${seconds}s${pid !== undefined ? `; see ${ctx.paths.logFile}` : ""}.`);
}

export async function localUp(options: LocalOptions): Promise<void> {
  const ctx = context(options);
  const plan = planStart({ endpoint: ctx.endpoint, healthy: await endpointHealthy(ctx.endpoint), authToken: ctx.env.LOCALSTACK_AUTH_TOKEN, dockerWorks });
  switch (plan.kind) {
    case "reuse":
      ctx.log(`sparkfn local up: using the endpoint already running at ${ctx.endpoint}`);
      return;
    case "compose":
      ctx.log("sparkfn local up: starting LocalStack with docker compose");
      compose("up", ctx.env);
      await recordStart(ctx.paths, "compose");
      await waitHealthy(ctx, 120);
      ctx.log(`sparkfn local up: LocalStack is up at ${ctx.endpoint}; stop it with sparkfn local down`);
      return;
    case "ministack": {
      await mkdir(ctx.paths.state, { recursive: true });
      if (!ministackInstalled(ctx.paths.venv)) {
        ctx.log(`sparkfn local up: installing MiniStack into ${ctx.paths.venv}`);
        installMinistack(ctx.paths.venv);
      }
      ctx.log(`sparkfn local up: starting MiniStack on 127.0.0.1:${plan.port}`);
      const pid = startMinistack(ctx.paths.venv, plan.port, ctx.paths.logFile, ctx.env);
      await recordStart(ctx.paths, "ministack", pid);
      await waitHealthy(ctx, 60, pid);
      ctx.log(`sparkfn local up: MiniStack is up (pid ${pid}); stop it with sparkfn local down`);
      return;
    }
  }
}

export async function localDown(options: LocalOptions): Promise<void> {
  const ctx = context(options);
  const plan = planStop(await readState(ctx.paths), isMinistack);
  switch (plan.kind) {
    case "nothing":
      ctx.log("sparkfn local down: nothing to stop (sparkfn local up did not start an emulator)");
      return;
    case "compose":
      compose("down", ctx.env);
      await clearState(ctx.paths);
      ctx.log("sparkfn local down: stopped LocalStack");
      return;
    case "gone":
      await clearState(ctx.paths);
      ctx.log("sparkfn local down: the MiniStack that sparkfn local up started is no longer running");
      return;
    case "ministack":
      if (!(await stopGroup(plan.pid))) throw new LocalEmulatorError(`MiniStack (pid ${plan.pid}) did not stop after SIGKILL; stop it yourself, then run sparkfn local down again.`);
      await clearState(ctx.paths);
      ctx.log(`sparkfn local down: stopped MiniStack (pid ${plan.pid})`);
      return;
  }
}

/** Prints whether an endpoint answers and who started it; throws LocalEmulatorError when none answers. */
export async function localStatus(options: LocalOptions): Promise<void> {
  const ctx = context(options);
  const state = await readState(ctx.paths);
  if (!(await endpointHealthy(ctx.endpoint))) {
    throw new LocalEmulatorError(`nothing answers at ${ctx.endpoint}; start an emulator with sparkfn local up.`);
  }
  const by = state.startedBy === undefined ? "not sparkfn local up" : state.pid !== undefined ? `${state.startedBy}, pid ${state.pid}` : state.startedBy;
  ctx.log(`sparkfn local status: up at ${ctx.endpoint} (started by: ${by})`);
}
