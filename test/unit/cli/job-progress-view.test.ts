/** A droplet job's progress in the CLI's live view: in place on a terminal, a line now and then in a log. */
import type { EventOf, LifeboatEvent } from "@lifeboat/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { progressText } from "../../../packages/cli/src/run/job-progress";
import { ProgressView } from "../../../packages/cli/src/run/progress";
import type { TimeBase } from "../../../packages/cli/src/run/time-base";

const START = Date.parse("2026-12-06T03:00:00Z");

/** A clock the test moves by hand. */
function handClock(): TimeBase & { set(seconds: number): void } {
  let now = START;
  return {
    now: () => now,
    speed: 1,
    realMs: (ms) => ms,
    sleep: async () => undefined,
    set: (seconds) => {
      now = START + seconds * 1000;
    },
  };
}

/** A stream that keeps what was written to it. */
function fakeStream(tty: boolean, columns?: number) {
  let written = "";
  return {
    isTTY: tty,
    ...(columns ? { columns } : {}),
    write(text: string) {
      written += text;
      return true;
    },
    written: () => written,
  };
}

const base = (droplet: string, seconds = 0) => ({
  runId: "weekly-1",
  plan: "weekly",
  droplet,
  at: new Date(START + seconds * 1000).toISOString(),
});
const started: LifeboatEvent = { ...base("*"), type: "run.started", trigger: "cli", droplets: ["gitlab", "drone"] };
const GB = 1e9;

function progress(
  droplet: string,
  elapsedSeconds: number,
  bytesDone: number,
  more: Partial<EventOf<"archive.progress">> = {},
): EventOf<"archive.progress"> {
  return {
    ...base(droplet, elapsedSeconds),
    type: "archive.progress",
    job: "archive",
    item: "volume gitlab-data",
    bytesDone,
    bytesExpected: 30 * GB,
    rate: 25e6,
    etaSeconds: (30 * GB - bytesDone) / 25e6,
    elapsedSeconds,
    ...more,
  };
}

const stored: LifeboatEvent = {
  ...base("gitlab"),
  type: "archive.stored",
  kind: "volume",
  name: "gitlab-data",
  key: "weekly-1/gitlab/volume-gitlab-data.tar",
  bytes: 30 * GB,
  sha256: "c".repeat(64),
};

/** Lines written (the footer's escape codes left in). */
const lines = (text: string) => text.split("\n").filter(Boolean);

describe("job progress text", () => {
  it("says item, bytes done of expected, rate and ETA, and leaves out what is unknown", () => {
    expect(progressText(progress("gitlab", 48, 1.2 * GB))).toBe(
      "volume gitlab-data: 1.2 GB of 30 GB (4%), 25 MB/s, ETA 19m 12s",
    );
    expect(
      progressText({
        ...progress("gitlab", 5, 300e6),
        item: undefined,
        bytesExpected: undefined,
        rate: undefined,
        etaSeconds: undefined,
      } as never),
    ).toBe("300 MB so far");
    // The expected size is an estimate: a job past it is at 100 %, not 104 %.
    expect(progressText({ ...progress("gitlab", 900, 31.2 * GB), etaSeconds: undefined })).toBe(
      "volume gitlab-data: 31 GB of 30 GB (100%), 25 MB/s",
    );
  });
});

describe("job progress in a log (not a terminal)", () => {
  it("writes a job's first poll, then one line per droplet per 30 s or per further tenth, and nothing in place", async () => {
    const out = fakeStream(false);
    const time = handClock();
    const view = new ProgressView(out, time);
    view.startLive();
    await view.emit(started);
    const poll = async (droplet: string, seconds: number, bytes: number) => {
      time.set(seconds);
      await view.emit(progress(droplet, seconds, bytes));
    };
    // gitlab: a poll every 10 s at 1 % each, one jump to 12 %; drone polls on its own pace.
    await poll("gitlab", 0, 0); // first: a line
    await poll("drone", 5, 0.3 * GB); // drone's first: a line
    await poll("gitlab", 10, 0.3 * GB);
    await poll("gitlab", 20, 0.6 * GB);
    await poll("drone", 25, 0.6 * GB);
    await poll("gitlab", 30, 0.9 * GB); // 30 s since gitlab's last line
    await poll("gitlab", 35, 3.6 * GB); // 12 %: into the second tenth
    await poll("gitlab", 40, 3.9 * GB);
    await poll("drone", 35, 0.9 * GB); // 30 s since drone's last line
    time.set(41);
    await view.emit(stored);
    time.set(45);
    await view.emit(progress("gitlab", 2, 10e6, { job: "duplicity", item: undefined, bytesExpected: 5 * GB }));
    view.stop();

    expect(lines(out.written())).toEqual([
      "+00:00            run weekly-1 started: gitlab, drone",
      "+00:00  gitlab    archive job: volume gitlab-data: 0 B of 30 GB (0%), 25 MB/s, ETA 20m (running 0s)",
      "+00:05  drone     archive job: volume gitlab-data: 300 MB of 30 GB (1%), 25 MB/s, ETA 19m 48s (running 5s)",
      "+00:30  gitlab    archive job: volume gitlab-data: 900 MB of 30 GB (3%), 25 MB/s, ETA 19m 24s (running 30s)",
      "+00:35  gitlab    archive job: volume gitlab-data: 3.6 GB of 30 GB (12%), 25 MB/s, ETA 17m 36s (running 35s)",
      "+00:35  drone     archive job: volume gitlab-data: 900 MB of 30 GB (3%), 25 MB/s, ETA 19m 24s (running 35s)",
      "+00:41  gitlab    stored volume gitlab-data: 30000000000 bytes, sha256 cccccccccccc…",
      // A new job of the droplet: its first poll is a line again, whenever the last one was.
      "+00:45  gitlab    duplicity job: 10 MB of 5.0 GB (0%), 25 MB/s, ETA 20m (running 2s)",
    ]);
    expect(out.written()).not.toContain("\x1b");
  });

  it("keeps a long job's log small: at most a line per 30 s plus one per tenth", async () => {
    const out = fakeStream(false);
    const time = handClock();
    const view = new ProgressView(out, time);
    await view.emit(started);
    // 30 GB at 25 MB/s, polled every 5 s: 240 polls.
    for (let s = 0; s <= 1200; s += 5) {
      time.set(s);
      await view.emit(progress("gitlab", s, Math.min(30 * GB, s * 25e6)));
    }
    const said = lines(out.written()).filter((l) => l.includes("archive job"));
    expect(said.length).toBeGreaterThanOrEqual(1200 / 30);
    expect(said.length).toBeLessThanOrEqual(1200 / 30 + 10 + 1);
  });
});

describe("job progress on a terminal", () => {
  afterEach(() => vi.useRealTimers());

  it("updates the droplet's footer line in place, writes no line per poll, and drops it once stored", async () => {
    vi.useFakeTimers();
    const out = fakeStream(true);
    const time = handClock();
    const view = new ProgressView(out, time);
    view.startLive();
    await view.emit(started);
    await view.emit(progress("gitlab", 0, 0));
    time.set(48);
    await view.emit(progress("gitlab", 48, 1.2 * GB));
    vi.advanceTimersByTime(250);
    const first = out.written();
    expect(first).toContain(
      "  ▸ gitlab    archiving        48s  volume gitlab-data: 1.2 GB of 30 GB (4%), 25 MB/s, ETA 19m 12s\n",
    );
    expect(first).toContain("  ▸ drone     queued");

    time.set(60);
    await view.emit(progress("gitlab", 60, 1.5 * GB));
    vi.advanceTimersByTime(250);
    const redrawn = out.written().slice(first.length);
    // The two footer lines are cleared and drawn again with the new figures: no line scrolls by.
    expect(redrawn.startsWith("\x1b[2A\x1b[0J")).toBe(true);
    expect(redrawn).toContain("  ▸ gitlab    archiving         1m  volume gitlab-data: 1.5 GB of 30 GB (5%)");
    expect(out.written()).not.toContain("archive job:");

    time.set(70);
    await view.emit(stored);
    vi.advanceTimersByTime(250);
    const after = out.written().slice(out.written().lastIndexOf("stored volume gitlab-data"));
    expect(after).toContain("  ▸ gitlab    archiving");
    expect(after).not.toContain("GB of 30 GB");
    view.stop();
  });

  it("cuts footer lines to the terminal's width, so the redraw clears exactly what it drew", async () => {
    vi.useFakeTimers();
    const out = fakeStream(true, 60);
    const time = handClock();
    const view = new ProgressView(out, time);
    view.startLive();
    await view.emit(started);
    await view.emit(progress("gitlab", 48, 1.2 * GB));
    vi.advanceTimersByTime(250);
    const written = out.written();
    const footer = lines(written.slice(written.lastIndexOf("\x1b[2A\x1b[0J") + "\x1b[2A\x1b[0J".length));
    expect(footer).toHaveLength(2);
    expect(footer[0]).toBe("  ▸ gitlab    archiving         0s  volume gitlab-data: 1.2");
    for (const line of footer) expect(line.length).toBeLessThanOrEqual(59);
    view.stop();
  });

  it("drops every droplet's progress when the run fails as a whole", async () => {
    vi.useFakeTimers();
    const out = fakeStream(true);
    const view = new ProgressView(out, handClock());
    view.startLive();
    await view.emit(started);
    await view.emit(progress("gitlab", 48, 1.2 * GB));
    await view.emit(progress("drone", 48, 2.4 * GB));
    vi.advanceTimersByTime(250);
    expect(out.written()).toContain("  ▸ drone     archiving         0s  volume gitlab-data: 2.4 GB of 30 GB");
    await view.emit({ ...base("*"), type: "run.failed", phase: "plan", error: "x", recovery: "y" });
    const before = out.written().length;
    vi.advanceTimersByTime(250);
    expect(out.written().slice(before)).not.toContain("GB of 30 GB");
    view.stop();
  });
});
