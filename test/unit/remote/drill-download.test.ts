/**
 * The drill droplet's download of an archive (python3 urllib through the local transport, the
 * same command line as over SSH) from a loopback HTTP server standing in for the store: the
 * URL travels on stdin, so while the download runs no process's argv holds it; the sha256 is
 * checked before the staged file is handed on; a refused URL fails with words that omit it.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ChecksumMismatchError, localSession, RemoteCommandError, sh } from "@lifeboat/remote";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stageDownloaded } from "../../../packages/remote/src/drill-download";

const SIGNATURE = "X-Amz-Signature=0badc0ffee51c2";
const BODY = Buffer.from("an archive's bytes\n".repeat(1000));
const SHA = createHash("sha256").update(BODY).digest("hex");

/** Every process's argv on this machine, joined. */
function everyArgv(): string {
  const out: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      out.push(readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " "));
    } catch {
      // gone meanwhile
    }
  }
  return out.join("\n");
}

let server: Server;
let base = "";
const argvDuringDownload: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith("/archive?")) {
      argvDuringDownload.push(everyArgv());
      res.end(BODY);
    } else {
      res.writeHead(403, "Forbidden").end("<Error><Code>AccessDenied</Code></Error>");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("stageDownloaded: the droplet fetches an archive itself", () => {
  const lines: string[] = [];
  const session = localSession({ name: "drill-gitlab", log: (l) => lines.push(l) });

  it("downloads into a staging file and checks its sha256; the URL is in no argv and no log line", async () => {
    const path = await stageDownloaded(session, `${base}/archive?${SIGNATURE}`, SHA, "archive of data", 60);
    const landed = await session.run(sh`sha256sum ${path}; rm -f ${path}`, { what: "look" });
    expect(landed.stdout.split(" ")[0]).toBe(SHA);
    expect(argvDuringDownload).toHaveLength(1);
    expect(argvDuringDownload[0]).toContain("python3"); // the download was running when argv was read
    expect(argvDuringDownload[0]).not.toContain(SIGNATURE);
    expect(lines.join("\n")).not.toContain(SIGNATURE);
    expect(lines.some((l) => l.includes("download archive of data on the droplet"))).toBe(true);
  });

  it("refuses bytes whose sha256 is not the manifest's, and leaves no staging file", async () => {
    const error = await stageDownloaded(session, `${base}/archive?${SIGNATURE}`, "ab".repeat(32), "archive of data", 60)
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChecksumMismatchError);
    expect((error as Error).message).toBe(
      `archive of data as downloaded: sha256 is ${SHA}, the manifest says ${"ab".repeat(32)}; nothing was restored`,
    );
    const removed = lines.filter((l) => l.includes("remove the staging file"));
    expect(removed.length).toBeGreaterThan(0);
  });

  it("says why a refused URL failed, without the URL", async () => {
    const error = await stageDownloaded(session, `${base}/expired?${SIGNATURE}`, SHA, "archive of data", 60)
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteCommandError);
    expect((error as Error).message).toContain("download failed: HTTP 403 Forbidden");
    expect((error as Error).message).not.toContain(SIGNATURE);
  });
});
