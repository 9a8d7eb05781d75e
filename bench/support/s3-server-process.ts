/**
 * Starts ./s3-server.ts (the harness's S3 server in a process of its own, so s3rver's CPU does
 * not count as the bench's) with its files under `dir`; `stop` closes its stdin and waits for it.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { S3Service } from "../../test/harness/s3";

const serverScript = join(dirname(fileURLToPath(import.meta.url)), "s3-server.ts");

export async function startS3Process(dir: string): Promise<{ service: S3Service; stop: () => Promise<void> }> {
  const server = spawn(process.execPath, ["--import", "tsx", serverScript, dir], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const service = await new Promise<S3Service>((resolve, reject) => {
    let text = "";
    server.stdout.on("data", (c) => {
      text += c;
      if (text.includes("\n")) resolve(JSON.parse(text.split("\n")[0]!));
    });
    server.on("exit", (code) => reject(new Error(`the S3 server exited ${code}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (server.exitCode !== null) return resolve();
      server.on("exit", () => resolve());
      server.stdin.end();
    });
  return { service, stop };
}
