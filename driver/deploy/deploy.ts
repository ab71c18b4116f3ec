/**
 * `sparkfn deploy [--local] [cdk args...]`: deploys the CDK app of the current folder (its
 * cdk.json; a project made by `sparkfn init` has one) with the project's own CDK CLI: `cdk
 * deploy`, or with --local `cdklocal bootstrap` and `cdklocal deploy --require-approval never`
 * against the local emulator (environment from driver/local/env.ts). Extra arguments go to
 * `deploy` as they are (e.g. `-c key=value`, a stack name, `--outputs-file out.json`).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { endpointHealthy } from "../local/endpoint.ts";
import { withEmulatorEnv } from "../local/env.ts";
import { DeployError } from "./errors.ts";

export interface DeployOptions {
  readonly local: boolean;
  /** Passed to `cdk deploy` / `cdklocal deploy` after sparkfn's own arguments. */
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface CdkCommand {
  readonly bin: string;
  readonly args: readonly string[];
  /** Whether the command's standard output is shown (bootstrap's is not: it repeats itself on every deploy). */
  readonly quiet: boolean;
}

/** The project's own CDK CLI: node_modules/.bin/<tool> in `cwd` or a folder above it. */
export function findCdkBin(cwd: string, tool: "cdk" | "cdklocal"): string {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const bin = path.join(dir, "node_modules", ".bin", tool);
    if (existsSync(bin)) return bin;
    if (path.dirname(dir) === dir) break;
  }
  const packages = tool === "cdk" ? "aws-cdk" : "aws-cdk aws-cdk-local";
  throw new DeployError(`${tool} is not installed in this project (no node_modules/.bin/${tool} in ${cwd} or above); install it with: npm install --save-dev ${packages}`);
}

/** The commands `deploy` runs, in order. */
export function deployCommands(options: Pick<DeployOptions, "local" | "args">, bin: string): CdkCommand[] {
  if (!options.local) return [{ bin, args: ["deploy", ...options.args], quiet: false }];
  return [
    // Idempotent: a no-op when the emulator's bootstrap stack is there already.
    { bin, args: ["bootstrap", "--no-notices"], quiet: true },
    { bin, args: ["deploy", "--no-notices", "--require-approval", "never", ...options.args], quiet: false },
  ];
}

export async function deploy(options: DeployOptions): Promise<void> {
  if (!existsSync(path.join(options.cwd, "cdk.json"))) {
    throw new DeployError(`no cdk.json in ${options.cwd}: run sparkfn deploy in the folder of your CDK app (a project made by \`sparkfn init\` has one at its root).`);
  }
  let env = options.env;
  if (options.local) {
    env = withEmulatorEnv(env);
    if (!(await endpointHealthy(env.AWS_ENDPOINT_URL!))) {
      throw new DeployError(`nothing answers at ${env.AWS_ENDPOINT_URL}; start the emulator first with sparkfn local up.`);
    }
  }
  const bin = findCdkBin(options.cwd, options.local ? "cdklocal" : "cdk");
  for (const command of deployCommands(options, bin)) {
    const result = spawnSync(command.bin, command.args, { cwd: options.cwd, env, stdio: ["inherit", command.quiet ? "ignore" : "inherit", "inherit"] });
    if (result.status !== 0) {
      const how = result.error ? result.error.message : `exit status ${result.status ?? result.signal}`;
      throw new DeployError(`${path.basename(command.bin)} ${command.args[0]} failed (${how}); see its output above.`);
    }
  }
}
