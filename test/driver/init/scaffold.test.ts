import { readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ScaffoldError } from "../../../driver/init/errors.ts";
import { packageNameProblem } from "../../../driver/init/package-name.ts";
import { projectManifest, scaffold, targetName, TEMPLATE_DIR } from "../../../driver/init/scaffold.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const repoPackage = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string; devDependencies: Record<string, string> };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-init-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("packageNameProblem", () => {
  it("accepts npm package names", () => {
    for (const name of ["my-app", "a", "app.v2", "x_y", "@me/app", "a~b"]) expect(packageNameProblem(name)).toBeUndefined();
  });
  it("says what is wrong with a name npm refuses", () => {
    expect(packageNameProblem("")).toBe("it is empty");
    expect(packageNameProblem("My-App")).toBe("it has capital letters");
    expect(packageNameProblem("my app")).toMatch(/may hold only lowercase letters/);
    expect(packageNameProblem(".hidden")).toMatch(/may hold only/);
    expect(packageNameProblem("_x")).toMatch(/may hold only/);
    expect(packageNameProblem("a/b")).toMatch(/may hold only/);
    expect(packageNameProblem("x".repeat(215))).toBe("it is longer than 214 characters");
    expect(packageNameProblem("fs")).toBe('"fs" is a Node.js core module');
    expect(packageNameProblem("node_modules")).toBe('"node_modules" is reserved');
    expect(packageNameProblem("sparkfn")).toMatch(/cannot depend on sparkfn/);
  });
});

describe("targetName", () => {
  it("drops .tmpl and names .gitignore", () => {
    expect(targetName("jobs/example.ts.tmpl")).toBe(path.join("jobs", "example.ts"));
    expect(targetName("gitignore.tmpl")).toBe(".gitignore");
    expect(targetName("package.json.tmpl")).toBe("package.json");
  });
});

describe("projectManifest", () => {
  it("fills in the name and versions as JSON data, nothing spliced into text", () => {
    const template = JSON.stringify({ name: "", scripts: { test: "vitest run" }, dependencies: { sparkfn: "" }, devDependencies: { vitest: "", zod: "" } });
    const out = JSON.parse(projectManifest(template, '@me/a"b', { name: "sparkfn", version: "9.8.7", dependencies: { zod: "^4" }, devDependencies: { vitest: "^3.2.7" } })) as Record<string, unknown>;
    expect(out).toEqual({ name: '@me/a"b', scripts: { test: "vitest run" }, dependencies: { sparkfn: "^9.8.7" }, devDependencies: { vitest: "^3.2.7", zod: "^4" } });
    expect(() => projectManifest(template, "a", { name: "sparkfn", version: "1.0.0" })).toThrow(/names vitest, which sparkfn 1.0.0's package.json does not list/);
  });
});

describe("scaffold", () => {
  it("writes every template into a new folder, with the package.json of this sparkfn", async () => {
    const done = await scaffold({ dir: "my-app", cwd: dir });
    const target = path.join(dir, "my-app");
    expect(done).toMatchObject({ dir: target, name: "my-app" });
    // The templates, listed here independently of the scaffold's own walk.
    const listed = readdirSync(TEMPLATE_DIR, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(TEMPLATE_DIR, path.join(e.parentPath, e.name)).replace(/\.tmpl$/, "").replace(/^gitignore$/, ".gitignore"));
    expect([...done.files].sort()).toEqual(listed.sort());
    for (const file of ["package.json", "tsconfig.json", "cdk.json", ".gitignore", "jobs/example.ts", "jobs/index.ts", "jobs/main.ts", "infra/app.ts", "test/example.test.ts", "data/sales.csv"]) {
      expect(done.files).toContain(path.normalize(file));
    }
    expect(await readFile(path.join(target, "jobs", "example.ts"), "utf8")).toBe(await readFile(path.join(TEMPLATE_DIR, "jobs", "example.ts.tmpl"), "utf8"));

    const pkg = JSON.parse(await readFile(path.join(target, "package.json"), "utf8")) as { name: string; type: string; dependencies: Record<string, string>; devDependencies: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.name).toBe("my-app");
    expect(pkg.type).toBe("module");
    expect(pkg.dependencies).toEqual({ sparkfn: `^${repoPackage.version}` });
    const devNames = ["typescript", "@types/node", "vitest", "aws-cdk-lib", "constructs", "aws-cdk", "aws-cdk-local"];
    expect(pkg.devDependencies).toEqual(Object.fromEntries(devNames.map((n) => [n, repoPackage.devDependencies[n]])));
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(["test", "local:up", "local:down", "deploy:local", "deploy", "run"]));
    expect(pkg.scripts.run).toBe("sparkfn submit jobs/main.ts");
  });

  it("writes into an existing empty folder, named by --name", async () => {
    await mkdir(path.join(dir, "Project"));
    const done = await scaffold({ dir: "Project", name: "project", cwd: dir });
    expect(done.name).toBe("project");
    expect(JSON.parse(await readFile(path.join(dir, "Project", "package.json"), "utf8"))).toMatchObject({ name: "project" });
  });

  it("refuses a folder that is not empty, and writes nothing there", async () => {
    await mkdir(path.join(dir, "busy"));
    await writeFile(path.join(dir, "busy", "notes.txt"), "mine");
    const error = await scaffold({ dir: "busy", cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScaffoldError);
    expect((error as Error).message).toBe(`${path.join(dir, "busy")} is not empty (it holds notes.txt); sparkfn init writes only into a new or empty folder, so choose another one.`);
    expect(await readdir(path.join(dir, "busy"))).toEqual(["notes.txt"]);
    await writeFile(path.join(dir, "file"), "");
    await expect(scaffold({ dir: "file", name: "x", cwd: dir })).rejects.toThrow("exists and is not a folder");
  });

  it("refuses a name npm would refuse, saying how to give another", async () => {
    await expect(scaffold({ dir: "My App", cwd: dir })).rejects.toThrow(`"My App" is not a valid npm package name for the project: it has capital letters; the folder's name "My App" is the default; choose another folder name or give one with --name my-app.`);
    await expect(scaffold({ dir: "x", name: "../evil", cwd: dir })).rejects.toThrow(ScaffoldError);
    expect(await readdir(dir)).toEqual([]);
  });
});
