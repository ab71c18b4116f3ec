/**
 * Local stand-ins for AWS endpoints, for unit tests of the real SDK clients:
 * - `silentServer()`: accepts TCP connections and never answers (a dropped connection);
 * - `fakeAws(handler)`: a node:http server; the handler answers or leaves a request hanging.
 * Both record what they saw and destroy their sockets on close.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createNetServer, type AddressInfo, type Socket } from "node:net";

export interface SilentServer {
  readonly url: string;
  /** Connections accepted so far. */
  readonly connections: () => number;
  close(): Promise<void>;
}

export async function silentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createNetServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.resume(); // read the request, answer nothing
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface FakeRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

export interface FakeAws {
  readonly url: string;
  readonly requests: FakeRequest[];
  close(): Promise<void>;
}

/** `handle` answers with `res`, or returns without answering to leave the request hanging. */
export async function fakeAws(handle: (req: FakeRequest, res: ServerResponse, raw: IncomingMessage) => void): Promise<FakeAws> {
  const sockets = new Set<Socket>();
  const requests: FakeRequest[] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const seen = { method: req.method ?? "", url: req.url ?? "", body: Buffer.concat(chunks).toString("utf8") };
      requests.push(seen);
      handle(seen, res, req);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Credentials and region the SDK needs to sign requests to a fake endpoint. */
export const FAKE_CREDENTIALS = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1" } as const;

export const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
