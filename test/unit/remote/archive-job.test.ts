/** Starting the archive job without what it needs fails at once, plainly, and is not retried. */
import { isRetryable, validateConfig } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { startArchiveJob } from "../../../packages/remote/src/job/archive-job";
import type { RunStorage } from "../../../packages/remote/src/ports";
import type { RemoteSession } from "../../../packages/remote/src/session";

const plan = validateConfig({
  plans: [
    {
      name: "nightly",
      schedule: "cron(0 3 * * ? *)",
      droplets: [{ name: "web-1" }],
      snapshot: { approval: { required: false } },
    },
  ],
}).plans[0]!;

const commands: string[] = [];
const session = {
  host: "web-1",
  run: async (command: { text: string }) => {
    commands.push(command.text);
    throw new Error("no command may run");
  },
  stream: () => {
    throw new Error("no command may run");
  },
  close: () => undefined,
} as unknown as RemoteSession;

const storage = (direct: boolean) =>
  ({
    keyOf: (kind: string, fileName: string) => `runs/web-1/r/${kind}s/${fileName}`,
    ...(direct ? { direct: () => ({ storage: { bucket: "b", region: "r" }, bucketKey: (k: string) => k }) } : {}),
  }) as unknown as RunStorage;

describe("starting the archive job", () => {
  it("without credentials: refused before anything runs, not retried, saying what to pass", async () => {
    const start = startArchiveJob(session, { droplet: "web-1", runId: "r", plan, storage: storage(true) });
    await expect(start).rejects.toThrow(/no storage credentials .* pass archiveCredentials/);
    expect(isRetryable(await start.catch((e) => e))).toBe(false);
    expect(commands).toEqual([]);
  });

  it("with storage the droplet cannot upload to: refused, not retried", async () => {
    const start = startArchiveJob(session, {
      droplet: "web-1",
      runId: "r",
      plan,
      storage: storage(false),
      credentials: async () => ({ accessKeyId: "a", secretAccessKey: "s" }),
    });
    expect(isRetryable(await start.catch((e) => e))).toBe(false);
    expect(commands).toEqual([]);
  });
});
