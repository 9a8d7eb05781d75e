/** Commands over one SSH connection (ssh2's Client, opened by ./connect.ts): one channel per command. */
import type { Client } from "ssh2";
import { ConnectionLostError } from "./errors";
import type { Execution, Transport } from "./transport";

export function sshTransport(host: string, client: Client): Transport {
  let closed = false;
  client.once("close", () => {
    closed = true;
  });
  return {
    exec: (command, what) =>
      new Promise<Execution>((resolve, reject) => {
        // ssh2 would throw a bare "Not connected": say which link and what it was for.
        if (closed) return reject(new ConnectionLostError(host, what));
        client.exec(command, (error, channel) => {
          if (error) return reject(error);
          const done = new Promise<{ code: number | null; signal?: string }>((settle, fail) => {
            const lost = () => fail(new ConnectionLostError(host, what));
            client.once("close", lost);
            channel.on("error", fail);
            channel.on("close", (code?: number | null, signal?: string) => {
              client.removeListener("close", lost);
              // OpenSSH always reports exit-status or exit-signal; neither means the link went down.
              if (code === undefined && signal === undefined) return lost();
              settle(signal ? { code: code ?? null, signal } : { code: code ?? null });
            });
          });
          done.catch(() => undefined); // the session observes it
          // The channel is stdout and stdin at once; stdout is read with pipe(), never
          // stream.pipeline: ssh2 emits 'close' before 'end' while data is still buffered.
          resolve({ stdout: channel, stderr: channel.stderr, stdin: channel, done, abort: () => channel.close() });
        });
      }),
    close: () => client.end(),
  };
}
