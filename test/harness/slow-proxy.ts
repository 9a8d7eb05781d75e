/**
 * A TCP relay on 127.0.0.1 in front of a service that passes what the client sends at a set
 * rate: a slow uplink, so a test can make an upload take as long as it needs. Replies pass at
 * full speed. It sleeps on the timers Node had when this module loaded: the durable test
 * runner's fake clock (installed later) jumps over skipped waits and would cut the sleeps short.
 */
import net from "node:net";

const realSetTimeout = globalThis.setTimeout;
const sleep = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms));

export interface SlowProxy {
  port: number;
  /** Bytes the clients sent so far (relayed or being relayed). */
  bytesIn(): number;
  close(): Promise<void>;
}

export async function startSlowProxy(targetPort: number, bytesPerSecond: number): Promise<SlowProxy> {
  const sockets = new Set<net.Socket>();
  // A tenth of a second's worth at a time: smooth enough for a rate, few timers.
  const slice = Math.max(1, Math.floor(bytesPerSecond / 10));
  let total = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.on("data", (chunk: Buffer) => {
      total += chunk.length;
      client.pause();
      void (async () => {
        for (let at = 0; at < chunk.length; at += slice) {
          const part = chunk.subarray(at, at + slice);
          if (upstream.destroyed) return;
          upstream.write(part);
          await sleep((part.length / bytesPerSecond) * 1000);
        }
        client.resume();
      })();
    });
    // "end" comes only once every chunk was consumed, i.e. after the last one was relayed.
    client.on("end", () => upstream.end());
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    bytesIn: () => total,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
