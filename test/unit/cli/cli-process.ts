/** Runs the `lifeboat` command as a child process, as a person or a script would. */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { resolve } from "node:path";

export const root = resolve(import.meta.dirname, "../../..");
const main = resolve(root, "packages/cli/bin/lifeboat.mjs");

/** The environment without a DigitalOcean token, so the CLI uses its built-in sandbox. */
export function sandboxEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!("DIGITALOCEAN_TOKEN" in extra)) delete env.DIGITALOCEAN_TOKEN;
  if (!("DIGITALOCEAN_ENDPOINT" in extra)) delete env.DIGITALOCEAN_ENDPOINT;
  return env;
}

export function lifeboat(args: string[], env: NodeJS.ProcessEnv = sandboxEnv()) {
  const r = spawnSync(process.execPath, [main, ...args], {
    cwd: root,
    encoding: "utf8",
    env,
    stdio: ["ignore", "pipe", "pipe"], // no terminal, like CI or a pipe
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A running CLI whose output can be waited on line by line. */
export interface LiveCli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first stdout line matching `pattern`. */
  line(pattern: RegExp): Promise<string>;
  exit: Promise<number | null>;
}

export function startLifeboat(args: string[], env: NodeJS.ProcessEnv = sandboxEnv()): LiveCli {
  const child = spawn(process.execPath, [main, ...args], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const waiters: Array<{ pattern: RegExp; resolve: (l: string) => void }> = [];
  const check = () => {
    for (const w of [...waiters]) {
      const hit = out.split("\n").find((l) => w.pattern.test(l));
      if (hit !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  };
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    check();
  });
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    line: (pattern) =>
      new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        check();
        void exit.then(() => reject(new Error(`exited before printing ${pattern}:\n${out}\n${err}`)));
      }),
    exit,
  };
}
