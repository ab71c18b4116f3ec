/**
 * One `npm pack` per content of the sources, shared by every test that installs the tarball
 * (test/package/package.test.ts in the unit project, test/integration/scaffold-lambda.test.ts
 * in the emulator project: different vitest projects, so different processes, often at the
 * same time). Packing builds dist/ (about a minute on a busy 2-core machine); each file used to
 * pack for itself, and two packs at once also raced on the repository's dist/, which prepack
 * deletes and rebuilds.
 *
 * The tarball is cached under the OS temporary folder, keyed on a hash of every file git
 * sees (tracked, and untracked but not ignored: edits not yet committed count), the Node
 * version and npm's: a source change always packs again. A lock file makes a second caller
 * wait for the first one's pack instead of packing beside it.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { lstat, mkdir, open, readFile, readdir, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { packTarball, ROOT } from "./offline-install.ts";

const run = promisify(execFile);
const POLL_MS = 500;

/** A hash of what `npm pack` builds from: the files git sees, with the Node and npm versions. */
async function sourcesKey(): Promise<string> {
  const { stdout } = await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, maxBuffer: 64 << 20 });
  const hash = createHash("sha256").update(`${process.version}\0${(await run("npm", ["--version"])).stdout.trim()}\0`);
  for (const file of stdout.split("\0").filter(Boolean).sort()) {
    // Deleted but still tracked, or a symlink (node_modules and test/.spark in a worktree): not a source.
    const stat = await lstat(path.join(ROOT, file)).catch(() => undefined);
    if (!stat?.isFile()) continue;
    hash.update(`${file}\0${stat.mode & 0o111 ? "x" : "-"}\0`).update(await readFile(path.join(ROOT, file))).update("\0");
  }
  return hash.digest("hex").slice(0, 32);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** The tarball in `dir`, if a pack finished there (it is renamed in only when complete). */
async function finished(dir: string): Promise<string | undefined> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const name = names.find((n) => n.endsWith(".tgz"));
  return name && path.join(dir, name);
}

/**
 * The packed tarball of the current sources: packed now if no test packed these sources yet,
 * else the one packed before (waiting for a pack in progress). Read-only for callers: install
 * it, never change it.
 */
export async function packedTarball(): Promise<string> {
  const dir = path.join(tmpdir(), "sparkfn-tarball", await sourcesKey());
  await mkdir(dir, { recursive: true });
  const lock = path.join(dir, "pack.lock");
  for (;;) {
    const done = await finished(dir);
    if (done) return done;
    const handle = await open(lock, "wx").catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
      return undefined;
    });
    if (handle) {
      try {
        await handle.writeFile(String(process.pid));
        await handle.close();
        // Checked again under the lock: another process may have finished between the two.
        const raced = await finished(dir);
        if (raced) return raced;
        const staging = path.join(dir, `staging-${process.pid}`);
        await rm(staging, { recursive: true, force: true });
        await mkdir(staging);
        const packed = await packTarball(staging);
        const target = path.join(dir, path.basename(packed));
        await rename(packed, target);
        await rm(staging, { recursive: true, force: true });
        return target;
      } finally {
        await rm(lock, { force: true });
      }
    }
    // Another process holds the lock: wait for its tarball, or take over if it died.
    const holder = Number(await readFile(lock, "utf8").catch(() => ""));
    // An empty lock is one just created, or left by a process that died before writing its id.
    const orphaned = !holder && Date.now() - ((await lstat(lock).catch(() => undefined))?.mtimeMs ?? Date.now()) > 10_000;
    if ((holder && !alive(holder)) || orphaned) await rm(lock, { force: true });
    else await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
