/**
 * The driver's Lambda client: one keep-alive agent sized to spark.dynamicAllocation.maxExecutors.
 * A local HTTP server stands in for the Lambda Invoke endpoint (AWS_ENDPOINT_URL_LAMBDA) and
 * records the connections the real SDK client opens.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { lambdaClient } from "../../../driver/aws/clients.ts";

let server: Server;
const sockets = new Set<Socket>();
let inFlight = 0;
let peak = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    req.resume();
    req.on("end", () =>
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
      }, 20),
    );
  });
  server.on("connection", (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  vi.stubEnv("AWS_ENDPOINT_URL_LAMBDA", `http://127.0.0.1:${port}`);
  vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
  vi.stubEnv("AWS_REGION", "us-east-1");
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => server.close(resolve));
});

describe("the Lambda client", () => {
  it("keeps at most maxConcurrency connections open and reuses them (keep-alive)", async () => {
    const client = lambdaClient({ maxConcurrency: 7, requestTimeoutMs: 60_000 });
    try {
      const invoke = () => client.send(new InvokeCommand({ FunctionName: "f", Payload: new TextEncoder().encode("{}") }));
      // 70 invocations, 10 per connection slot.
      const results = await Promise.all(Array.from({ length: 70 }, invoke));
      expect(results.every((r) => r.StatusCode === 200)).toBe(true);
      expect(peak).toBe(7);
      expect(sockets.size).toBe(7);
    } finally {
      client.destroy();
    }
  });
});
