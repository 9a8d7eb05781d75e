/**
 * A TCP relay on 127.0.0.1 in front of a service, which a test can cut: every connection is
 * destroyed at once, as when a network link drops. `onServerBytes` sees the byte count flowing
 * back, so a test can cut mid-stream at a known point instead of after a delay.
 */
import net from "node:net";

export interface TcpProxy {
  port: number;
  /** Destroys every relayed connection. */
  cut(): void;
  /** Resets every relayed connection (TCP RST): the other side reads ECONNRESET. */
  reset(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(
  targetPort: number,
  onServerBytes?: (total: number, proxy: TcpProxy) => void,
): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let total = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.pipe(upstream);
    upstream.on("data", (chunk: Buffer) => {
      total += chunk.length;
      onServerBytes?.(total, proxy);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const proxy: TcpProxy = {
    port: (server.address() as net.AddressInfo).port,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    reset: () => {
      for (const s of sockets) s.resetAndDestroy();
    },
    close: () =>
      new Promise((resolve) => {
        proxy.cut();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
