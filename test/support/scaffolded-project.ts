/**
 * A project made by `npx sparkfn init` from the packed tarball, installed offline: what the
 * package test and the emulator test of the scaffold share.
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile } from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";
import { installProject, type ProjectOptions } from "./offline-install.ts";

const run = promisify(execFile);

/** The environment for commands in a user's project: not this test run's vitest settings, and plain text output. */
export function projectEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST") && key !== "NODE_OPTIONS" && key !== "FORCE_COLOR");
  return { ...Object.fromEntries(inherited), NO_COLOR: "1", ...extra };
}

export interface ProjectManifest {
  readonly name: string;
  readonly type: string;
  readonly scripts: Record<string, string>;
  readonly dependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
}

export interface Scaffolded {
  /** The project folder. */
  readonly app: string;
  /** The project that ran `npx sparkfn init` (sparkfn installed from the tarball). */
  readonly host: string;
  /** What `sparkfn init` printed. */
  readonly initOutput: string;
  /** package.json as `sparkfn init` wrote it (before the offline install rewrote it). */
  readonly manifest: ProjectManifest;
  /** The files `sparkfn init` wrote, relative to `app`, sorted. */
  readonly files: readonly string[];
}

/** The options of the project `sparkfn init` runs in: sparkfn alone, in an ES module project. */
export const HOST_PROJECT: ProjectOptions = { fields: { type: "module" } };

/**
 * Runs `npx sparkfn init <work>/<name>` in a project with sparkfn installed, then installs the
 * new project offline: sparkfn from the tarball (not the registry) and `devPackages` at this
 * repository's versions, with the name, type and scripts `init` wrote. `host`: a project
 * installed with HOST_PROJECT's options to run `init` in (a caller with one already saves an
 * install); by default a fresh one in `work`.
 */
export async function scaffoldProject(work: string, tarball: string, name: string, devPackages: readonly string[], host?: string): Promise<Scaffolded> {
  if (!host) {
    host = path.join(work, `${name}-host`);
    await mkdir(host, { recursive: true });
    await installProject(host, tarball, HOST_PROJECT);
  }
  const app = path.join(work, name);
  const { stdout } = await run("npx", ["--no-install", "sparkfn", "init", app], { cwd: host, env: projectEnv(), maxBuffer: 16 << 20 });
  const manifest = JSON.parse(await readFile(path.join(app, "package.json"), "utf8")) as ProjectManifest;
  const files = (await readdir(app, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(app, path.join(entry.parentPath, entry.name)))
    .sort();
  await installProject(app, tarball, { fields: { name: manifest.name, type: manifest.type, scripts: manifest.scripts }, devPackages });
  return { app, host, initOutput: stdout, manifest, files };
}

/**
 * What the example job (jobs/main.ts) prints, computed here from the project's CSV without
 * sparkfn: per category, in order, the orders above 10 and their revenue.
 */
export function expectedExampleLines(csv: string): string[] {
  const [header = "", ...lines] = csv.trim().split("\n");
  const columns = header.split(",");
  const totals = new Map<string, { revenue: number; orders: number }>();
  for (const line of lines) {
    const cells = line.split(",");
    const category = cells[columns.indexOf("category")]!;
    const amount = Number(cells[columns.indexOf("amount")]);
    if (amount <= 10) continue;
    const total = totals.get(category) ?? { revenue: 0, orders: 0 };
    totals.set(category, { revenue: total.revenue + amount, orders: total.orders + 1 });
  }
  return [...totals.keys()].sort().map((category) => `${category}: ${totals.get(category)!.orders} orders, revenue ${totals.get(category)!.revenue.toFixed(2)}`);
}
