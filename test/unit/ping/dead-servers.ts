/** Ping services that are down: a port nobody listens on, and a server that accepts and never answers. */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback URL whose port refuses connections (it was free a moment ago). */
export async function refusingUrl(path = "/ping/uuid"): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}

/** A server that reads each request and never answers; counts them. */
export async function startHangingServer() {
  let requests = 0;
  const server = http.createServer(() => {
    requests++;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
