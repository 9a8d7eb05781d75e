import { type RemoteSession, sh } from "@lifeboat/remote";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missingServices } from "../../harness/context";
import { openSession, unique } from "./session";

const skip = missingServices("ssh");

/** Resolves true once `check` does, or false after `ms`. */
async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe.skipIf(skip)(`remote: a streamed command's reader giving up${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let session: RemoteSession;
  let observer: RemoteSession;

  beforeAll(async () => {
    [session, observer] = await Promise.all([openSession(), openSession()]);
  });
  afterAll(() => {
    session.close();
    observer.close();
  });

  it("stops the remote command when its output is destroyed early, instead of leaving it blocked", async () => {
    const marker = unique("lifeboat-endless");
    const running = async () =>
      (await observer.run(sh`pgrep -f ${marker}`, { what: "look for the command", check: false })).code === 0;
    const { output, exit } = session.stream(sh`sh -c ${`exec yes ${marker}`}`, { what: "endless output" });
    const first = await new Promise<Buffer>((resolve) => output.once("data", resolve));
    expect(first.toString()).toContain(marker);
    expect(await running()).toBe(true);

    output.destroy(); // what a sink does when its upload or write fails

    const settled = exit.then(
      () => true,
      () => true,
    );
    const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), 5_000));
    expect(await Promise.race([settled, timeout])).toBe(true);
    expect(await within(5_000, async () => !(await running()))).toBe(true);
  });
});
