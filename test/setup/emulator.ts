/**
 * Global setup of the emulator tests: use the endpoint at AWS_ENDPOINT_URL if one answers,
 * else start one with `localstack/up.sh`; deploy the stack with cdklocal; and at the end
 * stop the emulator only if this setup started it.
 */
import { endpointHealthy as healthy, localEnv, runScript } from "./local-env.ts";

export default async function setup(): Promise<() => void> {
  const env = localEnv();
  // Test workers start after this and inherit the local endpoint's environment.
  Object.assign(process.env, env);
  const startedHere = !(await healthy(env.AWS_ENDPOINT_URL!));
  if (startedHere) runScript("up.sh", env);
  runScript("deploy.sh", env);
  return () => {
    if (startedHere) runScript("down.sh", env);
  };
}
