import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { withEmulatorEnv } from "../../driver/local/env.ts";

export const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * The environment local tools get (endpoint, region, dummy credentials): the one definition
 * in driver/local/env.ts, which `sparkfn local` and localstack/env.sh use too.
 */
export function localEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return withEmulatorEnv({ ...process.env, ...overrides });
}

/** Whether a LocalStack-compatible endpoint answers its health check. */
export { endpointHealthy } from "../../driver/local/endpoint.ts";

export function runScript(script: string, env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync("bash", [path.join(ROOT, "localstack", script)], { env, encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`localstack/${script} failed: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
}
