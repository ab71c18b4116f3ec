/**
 * npm packages for shipped functions: `const width = await sc.addModule("string-width")`,
 * then `rdd.map((s, { width }) => width(s), { width })`. The driver bundles the package and
 * its dependencies with esbuild (CommonJS, node20, minified) into one file, stores it once
 * in the app's scratch space under its SHA-256, and the handle travels in the captures;
 * executors fetch the bundle, check its hash, and run it in a vm context of its own, once
 * per warm container. Nothing is installed at run time. Needs esbuild on the driver (a
 * devDependency here; the batch driver function does not bundle it).
 */
import { createHash } from "node:crypto";
import type { ModuleHandle } from "../../shared/plan/function.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import type { CaptureTarget } from "./closures.ts";
import { moduleUri } from "../../shared/storage/keys.ts";

export class ShippedModule implements CaptureTarget {
  /** @internal made by SparkContext.addModule(). */
  constructor(
    private readonly handle: ModuleHandle,
    /** The bundle's text, for functions the driver runs itself (an RDD reduce's final merge). */
    readonly code: string,
  ) {}

  get specifier(): string {
    return this.handle.specifier;
  }

  toHandle(): ModuleHandle {
    return this.handle;
  }

  toString(): string {
    return `ShippedModule(${this.handle.specifier}, ${this.handle.sha256.slice(0, 12)})`;
  }
}

/** Bundles `specifier` (resolved from `cwd` as an import would be) and stores it under `scratch`. */
export async function bundleModule(specifier: string, cwd: string, store: ObjectStore, scratch: string): Promise<ShippedModule> {
  if (typeof specifier !== "string" || specifier.length === 0 || specifier.length > 300) throw new Error("sc.addModule(name): give a package name, e.g. \"string-width\".");
  let esbuild: typeof import("esbuild");
  try {
    esbuild = await import("esbuild");
  } catch {
    throw new Error(`sc.addModule("${specifier}") bundles the package with esbuild, which is not installed here: npm install --save-dev esbuild.`);
  }
  let code: string;
  try {
    const result = await esbuild.build({ entryPoints: [specifier], absWorkingDir: cwd, bundle: true, platform: "node", format: "cjs", target: "node20", minify: true, write: false, logLevel: "silent" });
    code = result.outputFiles[0]!.text;
  } catch (error) {
    const first = (error as { errors?: { text: string }[] }).errors?.[0]?.text ?? (error as Error).message;
    throw new Error(`sc.addModule("${specifier}"): cannot bundle it from ${cwd}: ${first}. Is it installed (npm install ${specifier})?`);
  }
  const sha256 = createHash("sha256").update(code).digest("hex");
  const uri = moduleUri(scratch, sha256);
  await store.put(uri, code);
  return new ShippedModule({ $sparkfn: "module", specifier, uri, sha256 }, code);
}
