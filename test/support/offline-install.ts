/**
 * Installs the packed sparkfn tarball into a fresh project with npm, offline: the project's
 * package-lock.json pins sparkfn to the tarball and every other package to the version and
 * integrity this repository's lock pins, so `npm ci --offline` takes them from npm's cache
 * (filled by this repository's own `npm ci`). No test reaches the registry.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

export const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

interface LockEntry {
  readonly dev?: boolean;
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly bundleDependencies?: readonly string[];
}

/** Packs the repository (prepack builds dist/) into `dir`; returns the tarball's path. */
export async function packTarball(dir: string): Promise<string> {
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: ROOT, maxBuffer: 64 << 20 });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf("["))) as { filename: string }[];
  if (!packed) throw new Error(`npm pack reported no tarball: ${stdout}`);
  return path.join(dir, packed.filename);
}

export interface ProjectOptions {
  /** package.json fields besides name, version and dependencies (e.g. type, scripts). */
  readonly fields?: Record<string, unknown>;
  /** Development packages this repository locks too (e.g. typescript), as devDependencies. */
  readonly devPackages?: readonly string[];
}

/** Writes package.json and package-lock.json into `dir` and runs `npm ci --offline` there. */
export async function installProject(dir: string, tarball: string, options: ProjectOptions = {}): Promise<void> {
  const repoLock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const repoPkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as Record<string, unknown>;
  const integrity = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
  const spec = `file:${tarball}`;
  const devDependencies: Record<string, string> = {};
  const packages: Record<string, unknown> = {};
  // The closure of what the project needs: sparkfn's dependencies and the chosen dev packages.
  const wanted = new Set<string>();
  const visit = (name: string, optional = false) => {
    const key = `node_modules/${name}`;
    if (wanted.has(key)) return;
    const entry = repoLock.packages[key];
    if (!entry) {
      if (optional) return;
      throw new Error(`${name} is not in this repository's package-lock.json; run npm ci here first`);
    }
    wanted.add(key);
    // Bundled dependencies (aws-cdk-lib's) come inside the package's tarball: its nested entries below.
    for (const dep of Object.keys(entry.dependencies ?? {})) if (!entry.bundleDependencies?.includes(dep)) visit(dep);
    // Platform packages (esbuild's): npm installs the one for this machine.
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(dep, true);
  };
  for (const dep of Object.keys(repoPkg.dependencies as Record<string, string>)) visit(dep);
  for (const name of options.devPackages ?? []) {
    visit(name);
    devDependencies[name] = repoLock.packages[`node_modules/${name}`]!.version!;
  }
  // Nested copies (node_modules/a/node_modules/b) follow their parent.
  for (const [key, entry] of Object.entries(repoLock.packages)) {
    const top = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(key)?.[0];
    if (top && (wanted.has(key) || (top !== key && wanted.has(top)))) packages[key] = { ...entry, dev: undefined };
  }
  const pkg = { name: "sparkfn-user-project", version: "1.0.0", private: true, ...options.fields, dependencies: { sparkfn: spec }, devDependencies };
  packages[""] = { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies, devDependencies };
  packages["node_modules/sparkfn"] = { version: repoPkg.version, resolved: spec, integrity, dependencies: repoPkg.dependencies, bin: repoPkg.bin, engines: repoPkg.engines, peerDependencies: repoPkg.peerDependencies, peerDependenciesMeta: repoPkg.peerDependenciesMeta };
  writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify({ name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages }, null, 2));
  await run("npm", ["ci", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: dir, maxBuffer: 16 << 20 });
}
