import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { open } from "node:fs/promises";
import net from "node:net";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Runs a command to completion and returns its stdout; throws with stderr on failure. */
export async function run(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const child = execFileAsync(file, args, { env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
  if (options.input !== undefined) {
    child.child.stdin?.end(options.input);
  }
  try {
    const { stdout } = await child;
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${file} ${args.join(" ")} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/** The first of `candidates` that exists on this machine, or undefined. */
export function findBinary(...candidates: string[]): string | undefined {
  return candidates.find((path) => existsSync(path));
}

/** A free TCP port on 127.0.0.1 (the OS picks it; we release it for the service to take). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a long-running service with its output going to a log file. */
export async function startDaemon(file: string, args: string[], logPath: string): Promise<ChildProcess> {
  const log = await open(logPath, "a");
  const child = spawn(file, args, { stdio: ["ignore", log.fd, log.fd], detached: false });
  child.once("exit", () => void log.close());
  return child;
}

/** Polls `check` until it resolves true, or fails after `timeoutMs` with the service's log tail. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Sends SIGTERM to a PID, waits for it to exit, then SIGKILLs it if it has not. */
export async function stopPid(pid: number | undefined, graceMs = 10_000): Promise<void> {
  if (!pid) return;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive()) process.kill(pid, "SIGKILL");
}
