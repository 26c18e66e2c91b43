import { once } from "node:events";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { createHttpTransport, type Transport } from "../../../../src/core/transfer/transport.js";

/**
 * Shared by the transport tests: the servers and transports a test opens, all
 * closed by `closeAll` after each test, and the helpers that read and fail.
 */
export const servers: Array<{ close(): unknown }> = [];
const transports: Transport[] = [];

export async function closeAll(): Promise<void> {
  for (const t of transports.splice(0)) await t.close();
  for (const s of servers.splice(0)) s.close();
}

export function transport(options?: Parameters<typeof createHttpTransport>[0]): Transport {
  const t = createHttpTransport(options);
  transports.push(t);
  return t;
}

/** A raw TCP server: `onRequest` gets the socket once the request head has arrived. */
export async function rawServer(onRequest: (socket: Socket) => void): Promise<string> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.once("data", () => onRequest(socket));
  });
  servers.push({
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/object`;
}

export async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}
