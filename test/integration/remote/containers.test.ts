import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RemoteSession, restartContainers, runHooks, sh } from "@lifeboat/remote";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, missingServices } from "../../harness/context";
import { openSession, remote, unique } from "./session";

const skip = missingServices("ssh", "docker");

describe.skipIf(skip)(`remote: restarting containers and hooks${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let session: RemoteSession;
  let bindDir: string;
  const image = harness().docker?.baseImage ?? "";
  const fragile = unique("fragile");

  beforeAll(async () => {
    session = await openSession();
    bindDir = await mkdtemp(join(tmpdir(), "lifeboat-bind-"));
    // A container whose bind source can be taken away: `docker start` then fails.
    await remote(
      session,
      sh`docker create --name ${fragile} --log-driver none --mount ${`type=bind,src=${bindDir},dst=/x`} ${image} sleep 1`,
    );
  });

  afterAll(async () => {
    await session.run(sh`docker rm -f ${fragile}`, { what: "cleanup", check: false });
    session.close();
    await rm(bindDir, { recursive: true, force: true });
  });

  it("reports a container that fails to restart, after retrying it", async () => {
    await rm(bindDir, { recursive: true, force: true });
    const retries: number[] = [];
    const report = await restartContainers(session, [fragile], {
      attempts: 3,
      delayMs: 1,
      onRetry: (_name, attempt) => {
        retries.push(attempt);
      },
    });
    expect(report.restarted).toEqual([]);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]).toMatchObject({ name: fragile, attempts: 3 });
    expect(report.failed[0]!.error).toMatch(/bind source path does not exist|no such file/i);
    expect(retries).toEqual([1, 2]);
  });

  it("succeeds on a retry when the cause goes away between attempts", async () => {
    await rm(bindDir, { recursive: true, force: true });
    const report = await restartContainers(session, [fragile], {
      attempts: 3,
      delayMs: 1,
      onRetry: async () => {
        const { mkdir } = await import("node:fs/promises");
        await mkdir(bindDir, { recursive: true });
      },
    });
    expect(report).toEqual({ restarted: [fragile], failed: [], attempts: { [fragile]: 2 } });
  });

  it("runs hooks with their output, stops at a failure, and times out a hook that hangs", async () => {
    const results = await runHooks(session, [
      { command: "echo before; echo oops >&2", timeoutSeconds: 10 },
      { command: "sleep 30", timeoutSeconds: 1 },
      { command: "echo never", timeoutSeconds: 10 },
    ]);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ exitCode: 0, stdout: "before\n", stderr: "oops\n", timedOut: false });
    expect(results[1]).toMatchObject({ exitCode: 124, timedOut: true });
  });

  it("keeps the end of a chatty hook's output and its real exit status", async () => {
    const [result] = await runHooks(session, [
      { command: "head -c 3000000 /dev/zero | tr '\\0' x; echo; echo last line; exit 3", timeoutSeconds: 20 },
    ]);
    expect(result).toMatchObject({ exitCode: 3, timedOut: false });
    expect(result!.stdout.endsWith("last line\n")).toBe(true);
    expect(result!.stdout.length).toBeLessThanOrEqual(64 * 1024);
  });
});
