import { readFile } from "node:fs/promises";
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
