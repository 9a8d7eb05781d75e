import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { acceptsConnections, freePort, run, startDaemon, stopPid, waitUntil } from "./process";

export interface SshService {
  host: string;
  port: number;
  user: string;
  /** Path of the client's private key (ed25519, no passphrase). */
  privateKeyPath: string;
  /** The server's host key fingerprint as `ssh-keygen -lf` prints it: `SHA256:…`. */
  hostKeyFingerprint: string;
  pid: number;
}

/**
 * A real OpenSSH server on 127.0.0.1 with a generated host key and client key.
 * `env` is handed to every session through sshd's SetEnv (e.g. DOCKER_HOST); `extraConfig`
 * lines are added to sshd_config (e.g. a `ForceCommand` that records every command).
 */
export async function startSshd(
  dir: string,
  sshd: string,
  env: Record<string, string>,
  extraConfig: string[] = [],
): Promise<SshService> {
  // sshd refuses to start without its privilege separation directory (absent on a fresh machine).
  await mkdir("/run/sshd", { recursive: true, mode: 0o755 }).catch(() => undefined);
  const hostKey = join(dir, "host_ed25519");
  const clientKey = join(dir, "client_ed25519");
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey]);
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "lifeboat-test", "-f", clientKey]);
  await writeFile(join(dir, "authorized_keys"), await readFile(`${clientKey}.pub`), { mode: 0o600 });

  const port = await freePort();
  // The droplet's user gets a home of its own, as on a droplet: this machine's /root/.bashrc
  // (pyenv init, ~0.5 s) would otherwise run before every command, and jobs ($HOME/.lifeboat)
  // stay inside the harness's directory.
  const home = join(dir, "home");
  await mkdir(home, { recursive: true, mode: 0o700 });
  const setEnv = Object.entries({ HOME: home, ...env })
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  const config = join(dir, "sshd_config");
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
      "MaxSessions 64",
      "MaxStartups 64:30:128",
      setEnv ? `SetEnv ${setEnv}` : "",
      ...extraConfig,
      "",
    ].join("\n"),
  );
  await run(sshd, ["-t", "-f", config]);
  const child = await startDaemon(sshd, ["-D", "-e", "-f", config], join(dir, "sshd.log"));
  await waitUntil("sshd", () => acceptsConnections(port));
  const fingerprint = (await run("ssh-keygen", ["-lf", `${hostKey}.pub`])).split(" ")[1] ?? "";
  return {
    host: "127.0.0.1",
    port,
    user: process.env.USER && process.env.USER !== "" ? process.env.USER : "root",
    privateKeyPath: clientKey,
    hostKeyFingerprint: fingerprint,
    pid: child.pid ?? 0,
  };
}

export const stopSshd = (service: SshService) => stopPid(service.pid);
