/** The local transport through a real bash: the session contract the phase functions rely on. */
import { createHash } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { localSession, RemoteCommandError, sh } from "@lifeboat/remote";
import { afterEach, describe, expect, it } from "vitest";

const lines: string[] = [];
const session = localSession({ name: "web-1", log: (l) => lines.push(l) });
afterEach(() => {
  lines.length = 0;
});

describe("local transport (bash -c)", () => {
  it("runs a command, quoting values, and gives stdout and the exit code", async () => {
    const out = await session.run(sh`printf %s ${"a b; echo pwned"}`, { what: "echo" });
    expect(out).toMatchObject({ code: 0, stdout: "a b; echo pwned" });
    const failed = await session.run(sh`echo oops >&2; exit 3`, { what: "fail", check: false });
    expect(failed).toMatchObject({ code: 3, stderr: "oops\n" });
    await expect(session.run(sh`exit 4`, { what: "check" })).rejects.toThrow(RemoteCommandError);
    expect(lines[0]).toMatch(/^web-1 \(local\): echo: /);
  });

  it("streams a large output with back-pressure, ending only after a clean exit", async () => {
    const { output } = session.stream(sh`head -c 20000000 /dev/zero`, { what: "zeros" });
    let bytes = 0;
    const hash = createHash("sha256");
    await pipeline(
      output,
      new Writable({
        highWaterMark: 1024,
        write(chunk, _e, done) {
          bytes += chunk.length;
          hash.update(chunk);
          setImmediate(done); // a slow reader
        },
      }),
    );
    expect(bytes).toBe(20_000_000);
    expect(hash.digest("hex")).toBe(createHash("sha256").update(Buffer.alloc(20_000_000)).digest("hex"));
    const broken = session.stream(sh`echo partial; exit 2`, { what: "broken" });
    await expect(pipeline(broken.output, new Writable({ write: (_c, _e, d) => d() }))).rejects.toThrow(/exit code 2/);
  });

  it("takes secrets on stdin (never argv or the logged line) and redacts them from output", async () => {
    const secret = "s3cr3t-value-123";
    const out = await session.run(sh`printf '%s|' "$TOKEN"; cat /proc/$$/cmdline | tr '\\0' ' '`, {
      what: "use a secret",
      secrets: { TOKEN: secret },
    });
    const [value, argv] = out.stdout.split("|");
    expect(value).toBe("[redacted]"); // it arrived, and text coming back is redacted
    expect(argv).toMatch(/^bash -c /);
    expect(argv).not.toContain("[redacted]"); // not in the command line
    expect(out.stdout).not.toContain(secret);
    expect(lines.join("\n")).not.toContain(secret);
  });

  it("pipes a stdin stream in, and stops a command at its timeout", async () => {
    const out = await session.run(sh`wc -c`, {
      what: "count",
      stdin: Readable.from([Buffer.alloc(3000), Buffer.alloc(7)]),
    });
    expect(out.stdout.trim()).toBe("3007");
    await expect(session.run(sh`sleep 30`, { what: "sleep", timeoutMs: 200 })).rejects.toThrow(
      /timed out after 200 ms/,
    );
  });

  it("stops a command whose output went over the limit, instead of leaving it blocked", async () => {
    const marker = `lifeboat-endless-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const running = async () =>
      (await session.run(sh`pgrep -f ${marker}`, { what: "look for the command", check: false })).code === 0;
    await expect(
      session.run(sh`sh -c ${`exec yes ${marker}`}`, { what: "endless output", maxStdoutBytes: 100_000 }),
    ).rejects.toThrow(/output exceeds 100000 bytes/);
    let gone = false;
    for (const deadline = Date.now() + 5_000; !gone && Date.now() < deadline; ) {
      gone = !(await running());
      if (!gone) await new Promise((r) => setTimeout(r, 100));
    }
    expect(gone).toBe(true);
  });

  it("does not hand lifeboat's own environment to commands", async () => {
    process.env.LIFEBOAT_TEST_TOKEN = "dop_v1_should_not_leak";
    try {
      const out = await session.run(sh`env`, { what: "env" });
      expect(out.stdout).not.toContain("dop_v1_should_not_leak");
      expect(out.stdout).toMatch(/^PATH=/m);
    } finally {
      delete process.env.LIFEBOAT_TEST_TOKEN;
    }
  });
});
