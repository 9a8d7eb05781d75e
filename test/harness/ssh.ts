import { readFile } from "node:fs/promises";
import { type ConnectOptions, connect, type RemoteSession } from "@lifeboat/remote";
import { NodeSSH } from "node-ssh";
import type { SshService } from "./sshd";

/** A node-ssh connection to the harness's sshd, as the test user. */
export async function connectToHarness(ssh: SshService): Promise<NodeSSH> {
  const client = new NodeSSH();
  await client.connect({
    host: ssh.host,
    port: ssh.port,
    username: ssh.user,
    privateKey: await readFile(ssh.privateKeyPath, "utf8"),
  });
  return client;
}

/** A lifeboat session to the harness's sshd, its host key pinned as a droplet's would be. */
export async function openPinnedSession(
  ssh: SshService,
  extra: Partial<Pick<ConnectOptions, "name" | "port" | "log">> = {},
): Promise<RemoteSession> {
  return connect({
    host: ssh.host,
    port: ssh.port,
    username: ssh.user,
    privateKey: await readFile(ssh.privateKeyPath, "utf8"),
    hostKey: ssh.hostKeyFingerprint,
    ...extra,
  });
}
