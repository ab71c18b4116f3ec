/**
 * What `sparkfn local up` started, recorded in the state folder so that `down` stops exactly
 * that and nothing it found already running: `started-by` ("ministack" or "compose") and, for
 * MiniStack, the pid of its process group's leader.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import type { LocalPaths } from "./paths.ts";

export type StartedBy = "ministack" | "compose";

export interface LocalState {
  /** Absent when `up` started nothing (or its record was removed by `down`). */
  readonly startedBy?: StartedBy;
  /** MiniStack's pid, when `up` started MiniStack and the pid file holds a pid. */
  readonly pid?: number;
}

const readText = (file: string): Promise<string | undefined> => readFile(file, "utf8").then((text) => text.trim(), () => undefined);

export async function readState(paths: LocalPaths): Promise<LocalState> {
  const startedBy = await readText(paths.startedBy);
  if (startedBy !== "ministack" && startedBy !== "compose") return {};
  const pidText = startedBy === "ministack" ? await readText(paths.pidFile) : undefined;
  const pid = pidText !== undefined && /^[1-9]\d*$/.test(pidText) ? Number(pidText) : undefined;
  return pid === undefined ? { startedBy } : { startedBy, pid };
}

/** Records a start: the pid first, so that `started-by` never names a MiniStack without one. */
export async function recordStart(paths: LocalPaths, startedBy: StartedBy, pid?: number): Promise<void> {
  await mkdir(paths.state, { recursive: true });
  if (pid !== undefined) await writeFile(paths.pidFile, `${pid}\n`);
  await writeFile(paths.startedBy, `${startedBy}\n`);
}

/** Forgets what `up` started (after `down` stopped it, or found it gone). */
export async function clearState(paths: LocalPaths): Promise<void> {
  await rm(paths.pidFile, { force: true });
  await rm(paths.startedBy, { force: true });
}
