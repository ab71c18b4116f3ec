/**
 * Files shipped with sparkfn next to its code (the compose file, the project templates). In
 * the repository they sit under its root; in the package, scripts/build.mjs copies them into
 * dist/. Either way they are at the same place relative to this module's folder's parent.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ASSET_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The absolute path of a shipped file, e.g. packagedFile("localstack/docker-compose.yml"). */
export function packagedFile(relative: string): string {
  return path.join(ASSET_ROOT, relative);
}

export interface SparkfnManifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/** sparkfn's own package.json: the nearest one upwards named "sparkfn" (the repository's, or the installed package's). */
export function sparkfnManifest(): SparkfnManifest {
  for (let dir = ASSET_ROOT; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, "utf8")) as SparkfnManifest;
      if (manifest.name === "sparkfn") return manifest;
    }
    if (path.dirname(dir) === dir) throw new Error(`sparkfn's package.json was not found above ${ASSET_ROOT}; reinstall sparkfn.`);
  }
}
