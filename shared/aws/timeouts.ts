/**
 * Timeouts of every AWS SDK client sparkfn creates, driver and executor alike, so that no
 * call waits forever on a connection that went silent (a dropped NAT mapping, a dead peer).
 *
 * Three limits, each in milliseconds, each overridable through the environment (the driver
 * on your machine, the executor and driver functions through their Lambda environment):
 *
 * - connection (`SPARKFN_AWS_CONNECTION_TIMEOUT_MS`, default 10 s): TCP/TLS connect;
 * - request (`SPARKFN_AWS_REQUEST_TIMEOUT_MS`, default 120 s): from sending a request to the
 *   response's headers. It throws (`throwOnRequestTimeout`): without that flag the installed
 *   @smithy/node-http-handler only logs a warning and keeps waiting;
 * - socket (`SPARKFN_AWS_SOCKET_TIMEOUT_MS`, default 60 s): no byte in either direction for
 *   this long, which also bounds a response body that stops arriving.
 *
 * The SDK retries a timed-out call (it is transient) up to its attempt limit (3 for S3). The
 * synchronous Lambda invoke has its own request timeout, derived from the executor function's
 * timeout (driver/aws/function-config.ts), and no socket timeout: the connection is silent
 * while the function runs.
 */
import { TransientError } from "../errors.ts";

export interface AwsTimeouts {
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** 0: no idle limit. */
  readonly socketTimeoutMs: number;
}

export const DEFAULT_AWS_TIMEOUTS: AwsTimeouts = { connectionTimeoutMs: 10_000, requestTimeoutMs: 120_000, socketTimeoutMs: 60_000 };

/** The environment variable that overrides each limit. */
export const AWS_TIMEOUT_ENV: Readonly<Record<keyof AwsTimeouts, string>> = {
  connectionTimeoutMs: "SPARKFN_AWS_CONNECTION_TIMEOUT_MS",
  requestTimeoutMs: "SPARKFN_AWS_REQUEST_TIMEOUT_MS",
  socketTimeoutMs: "SPARKFN_AWS_SOCKET_TIMEOUT_MS",
};

/** The limits in force: the defaults, with any set in the environment. */
export function awsTimeouts(env: NodeJS.ProcessEnv = process.env): AwsTimeouts {
  const read = (key: keyof AwsTimeouts): number => {
    const name = AWS_TIMEOUT_ENV[key];
    const raw = env[name]?.trim();
    if (!raw) return DEFAULT_AWS_TIMEOUTS[key];
    const value = Number(raw);
    const zeroAllowed = key === "socketTimeoutMs";
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || (value === 0 && !zeroAllowed)) {
      throw new Error(
        `${name}=${JSON.stringify(env[name])} is not a whole number of milliseconds${zeroAllowed ? "" : " above 0"}: ` +
          `set it like ${name}=${DEFAULT_AWS_TIMEOUTS[key]}, or unset it for the default (${DEFAULT_AWS_TIMEOUTS[key]} ms).`,
      );
    }
    return value;
  };
  return { connectionTimeoutMs: read("connectionTimeoutMs"), requestTimeoutMs: read("requestTimeoutMs"), socketTimeoutMs: read("socketTimeoutMs") };
}

/** `requestHandler` settings of an SDK client (the node HTTP handler's options). */
export interface RequestHandlerSettings {
  connectionTimeout: number;
  requestTimeout: number;
  /** Without it a passed requestTimeout is only logged. */
  throwOnRequestTimeout: true;
  socketTimeout: number;
  httpAgent?: { keepAlive: boolean; maxSockets: number };
  httpsAgent?: { keepAlive: boolean; maxSockets: number };
}

export function requestHandlerSettings(timeouts: AwsTimeouts, agent?: { keepAlive: boolean; maxSockets: number }): RequestHandlerSettings {
  return {
    connectionTimeout: timeouts.connectionTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    throwOnRequestTimeout: true,
    socketTimeout: timeouts.socketTimeoutMs,
    ...(agent ? { httpAgent: agent, httpsAgent: agent } : {}),
  };
}

/** Whether an SDK call failed because one of the limits above passed. */
export function isSdkTimeout(error: unknown): error is Error {
  // The handler names these errors "TimeoutError" (connection, request and socket limits alike).
  return error instanceof Error && (error.name === "TimeoutError" || (error as { code?: unknown }).code === "ETIMEDOUT");
}

/** An AWS call got no answer in time: transient, safe to retry (the connection may have dropped). */
export class AwsTimeoutError extends TransientError {
  override readonly name: string = "AwsTimeoutError";
  constructor(
    /** What was called, e.g. `S3 GetObject s3://bucket/key`. */
    readonly call: string,
    cause: Error,
  ) {
    super(
      `${call} timed out (${cause.message.replace(/^@smithy\/node-http-handler - (\[ERROR\] )?/, "")}); the connection may have dropped. ` +
        `This is transient: retry. To change the limits set ${Object.values(AWS_TIMEOUT_ENV).join(", ")} (milliseconds).`,
      { cause },
    );
  }
}
