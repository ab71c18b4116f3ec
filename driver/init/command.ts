/** `sparkfn init`: the CLI side of scaffold.ts. */
import * as path from "node:path";
import { Command } from "commander";
import { scaffold } from "./scaffold.ts";

export function initCommand(): Command {
  return new Command("init")
    .description("create a project: an example job and its test, a jobs module for queue runs, a CDK app, and npm scripts for the emulator, deploy and run")
    .argument("<dir>", "the folder to create (it must not exist, or be empty)")
    .option("--name <name>", "the package name (default: the folder's name)")
    .action(async (dir: string, opts: { name?: string }) => {
      const done = await scaffold({ dir, cwd: process.cwd(), ...(opts.name !== undefined ? { name: opts.name } : {}) });
      const where = path.relative(process.cwd(), done.dir) || ".";
      console.log(`sparkfn init: created ${done.name} in ${where} (${done.files.length} files). Next:\n  cd ${where}\n  npm install\n  npm test\n  npm run run`);
    });
}
