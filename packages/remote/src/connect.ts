/**
 * Opening a session: the droplet's host key is pinned by its SHA256 fingerprint (a mismatch
 * refuses, naming both), keepalives detect a dead link, and connection attempts are bounded.
 */
import { createHash } from "node:crypto";
import { NodeSSH } from "node-ssh";
import { HostKeyMismatchError, PermanentError } from "./errors";
import { type Logger, type RemoteSession, TransportSession } from "./session";
import { sshTransport } from "./ssh-transport";

export interface ConnectOptions {
  host: string;
  port?: number;
  username?: string;
  /** The private key (PEM/OpenSSH text), from a secret. */
  privateKey: string;
  passphrase?: string;
  /** The pinned host key, `SHA256:…` as `ssh-keygen -lf` prints it. */
  hostKey: string;
  /** The droplet's name, for messages (defaults to host). */
  name?: string;
  /** Default 3 attempts, 2 s apart, for refused/unreachable/timed-out connections. */
  attempts?: number;
  retryDelayMs?: number;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  log?: Logger;
}

/** The OpenSSH fingerprint of a raw host key blob: "SHA256:" + unpadded base64 of its digest. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

/**
 * Connects to a droplet.
 * @example const session = await connect({ host: "203.0.113.7", privateKey, hostKey: "SHA256:…", name: "web-1" });
 */
export async function connect(options: ConnectOptions): Promise<RemoteSession> {
  const name = options.name ?? options.host;
  const attempts = Math.max(1, options.attempts ?? 3);
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let offered: string | undefined;
    const ssh = new NodeSSH();
    try {
      await ssh.connect({
        host: options.host,
        port: options.port ?? 22,
        username: options.username ?? "root",
        privateKey: options.privateKey,
        ...(options.passphrase ? { passphrase: options.passphrase } : {}),
        readyTimeout: options.readyTimeoutMs ?? 20_000,
        keepaliveInterval: options.keepaliveIntervalMs ?? 10_000,
        keepaliveCountMax: options.keepaliveCountMax ?? 3,
        // AES-GCM first: Node's OpenSSL runs it with AES-NI; ssh2's chacha20 may be pure JS.
        algorithms: {
          cipher: [
            "aes128-gcm@openssh.com",
            "aes256-gcm@openssh.com",
            "chacha20-poly1305@openssh.com",
            "aes128-ctr",
            "aes256-ctr",
          ],
        },
        hostVerifier: (key: Buffer) => {
          offered = hostKeyFingerprint(key);
          return offered === options.hostKey;
        },
      });
      const client = ssh.connection;
      if (!client) throw new Error(`no SSH connection to ${name}`);
      // A link that drops is reported by 'close' (the running command fails with
      // ConnectionLostError); ssh2 also emits 'error' then, which with no listener would
      // crash the whole process.
      client.on("error", (e: Error) => options.log?.(`${name}: connection error: ${e.message}`));
      // Without TCP_NODELAY, the small window-adjust packets that keep a stream flowing wait
      // behind Nagle for the server's delayed ACK: measured, 40 ms stalls halved throughput.
      client.setNoDelay(true);
      options.log?.(`${name}: connected (host key ${options.hostKey})`);
      return new TransportSession(name, sshTransport(name, client), options.log);
    } catch (error) {
      ssh.dispose();
      if (offered !== undefined && offered !== options.hostKey) {
        throw new HostKeyMismatchError(name, options.hostKey, offered);
      }
      // ssh2 reads the key before dialling: a key it cannot parse fails the same way every time.
      const unreadable = /^Cannot parse privateKey|private OpenSSH key detected, but no passphrase/.exec(
        (error as Error).message ?? "",
      );
      if (unreadable) {
        throw new PermanentError(
          `lifeboat's SSH private key cannot be used to reach ${name}: ${(error as Error).message}. ` +
            "Check SSH_PRIVATE_KEY (or the file SSH_PRIVATE_KEY_FILE names): it must hold the whole private key, e.g. from `cat ~/.ssh/lifeboat_ed25519`",
        );
      }
      const level = (error as { level?: string }).level;
      if (level === "client-authentication") {
        throw new PermanentError(
          `${name} refused lifeboat's SSH key for user ${options.username ?? "root"}; add its public half to that user's authorized_keys`,
        );
      }
      lastError = error;
      options.log?.(`${name}: connection attempt ${attempt}/${attempts} failed: ${(error as Error).message}`);
      if (attempt < attempts) await new Promise((r) => setTimeout(r, options.retryDelayMs ?? 2_000));
    }
  }
  throw new Error(`could not connect to ${name} after ${attempts} attempts: ${(lastError as Error)?.message}`);
}
