import { readFile } from "node:fs/promises";
import { ConnectionLostError, connect, HostKeyMismatchError, sh } from "@lifeboat/remote";
import { describe, expect, it } from "vitest";
import { harness, missingServices } from "../../harness/context";
import { freePort } from "../../harness/process";
import { startTcpProxy } from "../../harness/tcp-proxy";
import { openSession } from "./session";

const skip = missingServices("ssh");

describe.skipIf(skip)(`remote: connecting with a pinned host key${skip ? ` (skipped: ${skip})` : ""}`, () => {
  it("connects when the host key matches the pinned fingerprint, and runs a command", async () => {
    const session = await openSession();
    const out = await session.run(sh`echo ${"hello world"}`, { what: "echo" });
    expect(out).toMatchObject({ code: 0, stdout: "hello world\n" });
    session.close();
  });

  it("refuses a host key that does not match, naming the expected and the offered fingerprint", async () => {
    const ssh = harness().ssh!;
    const wrong = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const attempt = connect({
      host: ssh.host,
      port: ssh.port,
      username: ssh.user,
      privateKey: await readFile(ssh.privateKeyPath, "utf8"),
      hostKey: wrong,
      name: "web-1",
      attempts: 3,
      retryDelayMs: 10,
    });
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect((error as Error).message).toContain(wrong);
    expect((error as Error).message).toContain(ssh.hostKeyFingerprint);
    expect((error as Error).message).toContain("web-1");
  });

  it("gives up after the bounded number of attempts when nothing listens", async () => {
    const ssh = harness().ssh!;
    const lines: string[] = [];
    const error = await connect({
      host: "127.0.0.1",
      port: await freePort(),
      privateKey: await readFile(ssh.privateKeyPath, "utf8"),
      hostKey: ssh.hostKeyFingerprint,
      attempts: 2,
      retryDelayMs: 10,
      log: (l) => lines.push(l),
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/after 2 attempts/);
    expect(lines.filter((l) => l.includes("connection attempt"))).toHaveLength(2);
  });

  it("survives a connection reset while idle: the next command fails as connection lost, nothing crashes", async () => {
    // Vitest fails the run on an uncaught exception, which is what ssh2's 'error' on a reset
    // was before connect() listened for it.
    const proxy = await startTcpProxy(harness().ssh!.port);
    const lines: string[] = [];
    const session = await openSession((line) => lines.push(line), proxy.port);
    expect((await session.run(sh`true`, { what: "before" })).code).toBe(0);
    proxy.reset();
    await new Promise((r) => setTimeout(r, 200));
    await expect(session.run(sh`true`, { what: "after the reset" })).rejects.toBeInstanceOf(ConnectionLostError);
    expect(lines.some((l) => /connection error: .*ECONNRESET/.test(l))).toBe(true);
    session.close();
    await proxy.close();
  });
});
