/**
 * S3 calls cannot hang: a local server that accepts the connection and never answers (or
 * stops sending a response body) stands in for a dropped connection. The store the driver
 * and the executor build by default (`new S3ObjectStore()`) must fail within its limits, with
 * a typed, retryable error that names the call.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { timedClientConfig } from "../../../shared/aws/client-config.ts";
import { AwsTimeoutError, awsTimeouts, DEFAULT_AWS_TIMEOUTS } from "../../../shared/aws/timeouts.ts";
import { S3ObjectStore } from "../../../shared/storage/s3-store.ts";
import { FAKE_CREDENTIALS, fakeAws, silentServer } from "../../support/fake-aws.ts";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(closers.splice(0).map((close) => close()));
});

function useEndpoint(url: string, limits: { connection: number; request: number; socket: number }) {
  for (const [k, v] of Object.entries(FAKE_CREDENTIALS)) vi.stubEnv(k, v);
  vi.stubEnv("AWS_ENDPOINT_URL_S3", url);
  vi.stubEnv("SPARKFN_AWS_CONNECTION_TIMEOUT_MS", String(limits.connection));
  vi.stubEnv("SPARKFN_AWS_REQUEST_TIMEOUT_MS", String(limits.request));
  vi.stubEnv("SPARKFN_AWS_SOCKET_TIMEOUT_MS", String(limits.socket));
}

describe("AWS call timeouts", () => {
  it("fails an S3 call to a server that never answers within the limits (3 SDK attempts), with a retryable AwsTimeoutError", async () => {
    const server = await silentServer();
    closers.push(server.close);
    // No idle-socket limit here: the request timeout alone must end each attempt.
    useEndpoint(server.url, { connection: 1000, request: 300, socket: 0 });
    const store = new S3ObjectStore();
    const began = performance.now();
    const error = await store.get("s3://bucket/data/part-0.parquet").then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = performance.now() - began;
    expect(error).toBeInstanceOf(AwsTimeoutError);
    expect((error as AwsTimeoutError).category).toBe("transient");
    expect((error as AwsTimeoutError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/^S3 GetObject s3:\/\/bucket\/data\/part-0\.parquet timed out \(a request has exceeded the configured 300 ms requestTimeout\.?\)/);
    expect((error as Error).message).toMatch(/SPARKFN_AWS_REQUEST_TIMEOUT_MS/);
    // The SDK tries 3 times (a timeout is transient), each ended by the 300 ms limit.
    expect(server.connections()).toBe(3);
    expect(elapsed).toBeGreaterThanOrEqual(3 * 300 - 50);
    expect(elapsed).toBeLessThan(5000);
  }, 15_000);

  it("fails a GET whose response body stops arriving (idle-socket limit)", async () => {
    const server = await fakeAws((_req, res) => {
      res.writeHead(200, { "content-length": "1000", "content-type": "application/octet-stream" });
      res.write(Buffer.alloc(10)); // 10 of 1,000 bytes, then silence
    });
    closers.push(server.close);
    useEndpoint(server.url, { connection: 1000, request: 60_000, socket: 300 });
    const began = performance.now();
    const error = await new S3ObjectStore().get("s3://bucket/big.bin").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AwsTimeoutError);
    expect((error as Error).message).toMatch(/^S3 GetObject s3:\/\/bucket\/big\.bin timed out \(the request socket timed out after 300 ms of inactivity/);
    expect(performance.now() - began).toBeLessThan(5000);
  }, 15_000);

  it("builds every client with a request timeout that throws, and reads the limits from the environment", () => {
    const env = { ...FAKE_CREDENTIALS, SPARKFN_AWS_CONNECTION_TIMEOUT_MS: "2500" };
    expect(timedClientConfig("SQS", env).requestHandler).toEqual({
      connectionTimeout: 2500,
      requestTimeout: DEFAULT_AWS_TIMEOUTS.requestTimeoutMs,
      throwOnRequestTimeout: true,
      socketTimeout: DEFAULT_AWS_TIMEOUTS.socketTimeoutMs,
    });
  });

  it("names a bad limit and how to fix it", () => {
    expect(() => awsTimeouts({ SPARKFN_AWS_REQUEST_TIMEOUT_MS: "30s" })).toThrowError(
      'SPARKFN_AWS_REQUEST_TIMEOUT_MS="30s" is not a whole number of milliseconds above 0: set it like SPARKFN_AWS_REQUEST_TIMEOUT_MS=120000, or unset it for the default (120000 ms).',
    );
    expect(() => awsTimeouts({ SPARKFN_AWS_CONNECTION_TIMEOUT_MS: "0" })).toThrowError(/SPARKFN_AWS_CONNECTION_TIMEOUT_MS="0" is not a whole number of milliseconds above 0/);
    expect(awsTimeouts({ SPARKFN_AWS_SOCKET_TIMEOUT_MS: "0" }).socketTimeoutMs).toBe(0);
  });
});
