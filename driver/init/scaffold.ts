/**
 * `sparkfn init <dir>`: a new user project from the templates sparkfn ships (templates/init/,
 * copied into dist/ by the build). Every template file ends in ".tmpl", which is dropped
 * ("gitignore.tmpl" becomes ".gitignore": npm leaves .gitignore files out of packages).
 * Files are copied as they are, except package.json, which is filled in as data (never by
 * splicing text): the project's name (checked as an npm package name) and the versions of
 * sparkfn and of the development packages, those sparkfn itself is built and tested with.
 */
import { existsSync, statSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { packagedFile, sparkfnManifest, type SparkfnManifest } from "../package-files.ts";
import { ScaffoldError } from "./errors.ts";
import { packageNameProblem } from "./package-name.ts";

export const TEMPLATE_DIR = packagedFile("templates/init");
const SUFFIX = ".tmpl";
const RENAMES: Readonly<Record<string, string>> = { gitignore: ".gitignore" };

export interface ScaffoldOptions {
  /** The folder to create (relative to cwd); it must not exist or be empty. */
  readonly dir: string;
  /** The package name; default: the folder's name. */
  readonly name?: string;
  readonly cwd: string;
}

export interface Scaffolded {
  readonly dir: string;
  readonly name: string;
  /** The files written, relative to `dir`, sorted. */
  readonly files: readonly string[];
}

interface ProjectManifest {
  name: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  [field: string]: unknown;
}

/** The project's package.json: the template's, with the name and versions filled in. */
export function projectManifest(template: string, name: string, sparkfn: SparkfnManifest): string {
  const manifest = JSON.parse(template) as ProjectManifest;
  manifest.name = name;
  manifest.dependencies = { ...manifest.dependencies, sparkfn: `^${sparkfn.version}` };
  const own = { ...sparkfn.dependencies, ...sparkfn.devDependencies };
  for (const dep of Object.keys(manifest.devDependencies)) {
    const version = own[dep];
    if (!version) throw new Error(`the project template names ${dep}, which sparkfn ${sparkfn.version}'s package.json does not list; reinstall sparkfn.`);
    manifest.devDependencies[dep] = version;
  }
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

async function templateFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await templateFiles(path.join(dir, entry.name), relative)));
    else if (entry.name.endsWith(SUFFIX)) out.push(relative);
  }
  return out;
}

/** A template's path in the new project: the suffix dropped, and RENAMES applied to the file name. */
export function targetName(template: string): string {
  const plain = template.slice(0, -SUFFIX.length);
  const base = path.basename(plain);
  return path.join(path.dirname(plain), RENAMES[base] ?? base);
}

export async function scaffold(options: ScaffoldOptions): Promise<Scaffolded> {
  const dir = path.resolve(options.cwd, options.dir);
  const name = options.name ?? path.basename(dir);
  const problem = packageNameProblem(name);
  if (problem) {
    const how = options.name === undefined ? `the folder's name "${name}" is the default; choose another folder name or give one with --name my-app` : "give another with --name, e.g. --name my-app";
    throw new ScaffoldError(`"${name}" is not a valid npm package name for the project: ${problem}; ${how}.`);
  }
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new ScaffoldError(`${dir} exists and is not a folder; choose a new folder for the project.`);
    const present = await readdir(dir);
    if (present.length > 0) {
      const shown = present.slice(0, 5).join(", ") + (present.length > 5 ? ", ..." : "");
      throw new ScaffoldError(`${dir} is not empty (it holds ${shown}); sparkfn init writes only into a new or empty folder, so choose another one.`);
    }
  }
  const templates = await templateFiles(TEMPLATE_DIR);
  if (!templates.includes(`package.json${SUFFIX}`)) throw new Error(`sparkfn's project templates are missing from ${TEMPLATE_DIR}; reinstall sparkfn.`);
  const files: string[] = [];
  for (const template of templates) {
    const target = targetName(template);
    const text = await readFile(path.join(TEMPLATE_DIR, template), "utf8");
    await mkdir(path.dirname(path.join(dir, target)), { recursive: true });
    await writeFile(path.join(dir, target), target === "package.json" ? projectManifest(text, name, sparkfnManifest()) : text, { flag: "wx" });
    files.push(target);
  }
  return { dir, name, files: files.sort() };
}
