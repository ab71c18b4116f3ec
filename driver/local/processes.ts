/** Processes `sparkfn local` starts and stops: liveness, command lines, process groups. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The command line of a running process ("" when it is gone): /proc on Linux, else `ps`. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    const ps = spawnSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8" });
    return ps.status === 0 ? ps.stdout.trim() : "";
  }
}

/**
 * Stops the process group `pid` leads: SIGTERM, up to `graceMs` to exit, then SIGKILL.
 * Returns whether the leader is gone.
 */
export async function stopGroup(pid: number, graceMs = 10_000): Promise<boolean> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // Not a group leader (or already gone): the process alone.
      try {
        process.kill(pid, sig);
      } catch {
        // Gone.
      }
    }
  };
  signal("SIGTERM");
  for (let waited = 0; waited < graceMs && alive(pid); waited += 250) await sleep(250);
  if (alive(pid)) {
    signal("SIGKILL");
    for (let waited = 0; waited < 2000 && alive(pid); waited += 100) await sleep(100);
  }
  return !alive(pid);
}
