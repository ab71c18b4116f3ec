import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endpointHealthy, loopbackPort } from "../../../driver/local/endpoint.ts";
import { LocalEmulatorError } from "../../../driver/local/errors.ts";

describe("loopbackPort", () => {
  it("reads the port of 127.0.0.1 and localhost endpoints, with the scheme's default", () => {
    expect(loopbackPort("http://127.0.0.1:4566")).toBe(4566);
    expect(loopbackPort("http://localhost:4599/")).toBe(4599);
    expect(loopbackPort("http://127.0.0.1")).toBe(80);
    expect(loopbackPort("https://localhost")).toBe(443);
  });

  it("refuses an endpoint that is not this machine's, saying what to do", () => {
    expect(() => loopbackPort("http://10.0.0.5:4566")).toThrow(LocalEmulatorError);
    expect(() => loopbackPort("http://10.0.0.5:4566")).toThrow(/not a local address; start that endpoint yourself or unset AWS_ENDPOINT_URL/);
    expect(() => loopbackPort("not a url")).toThrow(/AWS_ENDPOINT_URL "not a url" is not a URL/);
  });
});

describe("endpointHealthy", () => {
  let status = 200;
  let server: Server;
  let endpoint: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(req.url === "/_localstack/health" ? status : 404).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("is true when the health check answers 200, false on an error status or no listener", async () => {
    status = 200;
    expect(await endpointHealthy(endpoint)).toBe(true);
    expect(await endpointHealthy(`${endpoint}/`)).toBe(true);
    status = 503;
    expect(await endpointHealthy(endpoint)).toBe(false);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await endpointHealthy(`http://127.0.0.1:${port}`)).toBe(false);
  });
});
