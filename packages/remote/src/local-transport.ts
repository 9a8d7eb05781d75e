/**
 * Commands on this machine through `bash -c`, for when lifeboat runs on the droplet itself
 * (`ssh.droplets.<name>.transport: "local"`). The same command lines as over SSH, the same
 * pipes, exit codes and secrets on stdin. The command gets a small environment (PATH, HOME,
 * DOCKER_HOST, …), not lifeboat's own: the process running lifeboat may hold tokens in its
 * environment, and a hook must not inherit them.
 */
import { spawn } from "node:child_process";
import { type Logger, type RemoteSession, TransportSession } from "./session";
import type { Execution, Transport } from "./transport";

/** Variables passed from lifeboat's environment to local commands; nothing else is. */
export const LOCAL_ENV_PASSED = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LC_ALL",
  "TZ",
  "TMPDIR",
  "XDG_RUNTIME_DIR",
  "DOCKER_HOST",
  "DOCKER_CONFIG",
  "DOCKER_CONTEXT",
  "DOCKER_CERT_PATH",
  "DOCKER_TLS_VERIFY",
] as const;

export interface LocalSessionOptions {
  /** The droplet's name, for messages. */
  name: string;
  /** Extra environment for every command (e.g. DOCKER_HOST); never secrets (those go on stdin). */
  env?: Readonly<Record<string, string>>;
  log?: Logger;
}

/**
 * A session on this machine: the phase functions run unchanged through `bash -c`.
 * @example
 *   const session = localSession({ name: "web-1" });
 *   const { running } = await inventory(session);
 */
export function localSession(options: LocalSessionOptions): RemoteSession {
  return new TransportSession(`${options.name} (local)`, localTransport(options.env ?? {}), options.log);
}

function localTransport(extra: Readonly<Record<string, string>>): Transport {
  const env: Record<string, string> = {};
  for (const name of LOCAL_ENV_PASSED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, extra);
  // Debian's bash reads ~/.bashrc when its stdin is a socket and SHLVL is under 2, taking itself
  // for an ssh session: Node's pipes are sockets. A command here must not run the user's shell
  // setup (a pyenv init there re-hashed under concurrent commands and held each for a minute).
  env.SHLVL = "1";
  let closed = false;
  const running = new Set<number>();
  const killGroup = (pid: number | undefined) => {
    if (pid === undefined) return;
    try {
      process.kill(-pid, "SIGTERM"); // the command and everything it started
    } catch {
      // already gone
    }
  };

  return {
    exec(command, what) {
      if (closed) return Promise.reject(new Error(`the local session was closed before ${what}`));
      // detached: a process group of its own, so a timeout stops the whole pipeline.
      const child = spawn("bash", ["-c", command], { env, stdio: ["pipe", "pipe", "pipe"], detached: true });
      const pid = child.pid;
      if (pid !== undefined) running.add(pid);
      // A command may exit without reading its stdin: EPIPE then is not an error of ours.
      child.stdin.on("error", () => undefined);
      const done = new Promise<{ code: number | null; signal?: string }>((resolve, reject) => {
        child.once("error", (e) => reject(new Error(`could not start bash for ${what}: ${e.message}`)));
        child.once("close", (code, signal) => {
          if (pid !== undefined) running.delete(pid);
          resolve(signal ? { code, signal } : { code });
        });
      });
      done.catch(() => undefined); // the session observes it
      const execution: Execution = {
        stdout: child.stdout,
        stderr: child.stderr,
        stdin: child.stdin,
        done,
        abort: () => killGroup(pid),
      };
      return Promise.resolve(execution);
    },
    close() {
      closed = true;
      for (const pid of running) killGroup(pid);
    },
  };
}
