/**
 * A drill's scratch droplet on loopback: a second OpenSSH server set up the way the drill's
 * cloud-init user data says — its `ssh_keys.ed25519_private` as the host key and its
 * `ssh_authorized_keys` as the only keys let in — so the drill reaches it with the host key it
 * made and pinned, exactly as it would reach a real droplet booted with that user data.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { acceptsConnections, freePort, run, startDaemon, stopPid, waitUntil } from "./process";

export interface DrillUserData {
  hostPrivateKey: string;
  hostPublicKey: string;
  authorizedKeys: string[];
}

/** Reads the user data as cloud-init would: a `#cloud-config` YAML document. */
export function parseDrillUserData(text: string): DrillUserData {
  if (!text.startsWith("#cloud-config\n")) throw new Error("user data is not a #cloud-config document");
  const doc = parse(text) as {
    ssh_keys?: { ed25519_private?: string; ed25519_public?: string };
    ssh_authorized_keys?: string[];
  };
  const hostPrivateKey = doc.ssh_keys?.ed25519_private;
  const hostPublicKey = doc.ssh_keys?.ed25519_public;
  if (!hostPrivateKey || !hostPublicKey) throw new Error("user data installs no ed25519 host key");
  return { hostPrivateKey, hostPublicKey, authorizedKeys: doc.ssh_authorized_keys ?? [] };
}

export interface DrillSshd {
  port: number;
  /** `SHA256:…` of the host key it serves, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  stop(): Promise<void>;
}

/** Starts sshd on 127.0.0.1 with the user data's host key and authorized keys. */
export async function startDrillSshd(
  dir: string,
  sshd: string,
  userData: DrillUserData,
  env: Record<string, string>,
): Promise<DrillSshd> {
  await mkdir(dir, { recursive: true });
  await mkdir("/run/sshd", { recursive: true, mode: 0o755 }).catch(() => undefined);
  const hostKey = join(dir, "ssh_host_ed25519_key");
  await writeFile(hostKey, userData.hostPrivateKey, { mode: 0o600 });
  await writeFile(`${hostKey}.pub`, `${userData.hostPublicKey}\n`);
  await writeFile(join(dir, "authorized_keys"), `${userData.authorizedKeys.join("\n")}\n`, { mode: 0o600 });
  const home = join(dir, "home");
  await mkdir(home, { recursive: true, mode: 0o700 });
  const port = await freePort();
  const config = join(dir, "sshd_config");
  const setEnv = Object.entries({ HOME: home, ...env })
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  await writeFile(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      `SetEnv ${setEnv}`,
      "",
    ].join("\n"),
  );
  await run(sshd, ["-t", "-f", config]);
  const child = await startDaemon(sshd, ["-D", "-e", "-f", config], join(dir, "sshd.log"));
  await waitUntil("drill sshd", () => acceptsConnections(port));
  const fingerprint = (await run("ssh-keygen", ["-lf", `${hostKey}.pub`])).split(" ")[1] ?? "";
  return { port, fingerprint, stop: () => stopPid(child.pid) };
}
