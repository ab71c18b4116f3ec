/** The local endpoint: whether it answers, and whether it is this machine's to start. */
import { LocalEmulatorError } from "./errors.ts";

/** Whether a LocalStack-compatible endpoint answers its health check within `timeoutMs`. */
export async function endpointHealthy(endpoint: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint.replace(/\/+$/, "")}/_localstack/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost"]);

/**
 * The port of a loopback endpoint (http://127.0.0.1:PORT or http://localhost:PORT), the only
 * kind `sparkfn local up` may start an emulator for. Anything else is the user's to start.
 */
export function loopbackPort(endpoint: string): number {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new LocalEmulatorError(`AWS_ENDPOINT_URL "${endpoint}" is not a URL; set it to e.g. http://127.0.0.1:4566, or unset it.`);
  }
  if (!LOOPBACK_HOSTS.has(url.hostname)) {
    throw new LocalEmulatorError(`nothing answers at ${endpoint} and it is not a local address; start that endpoint yourself or unset AWS_ENDPOINT_URL.`);
  }
  if (url.port) return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}
