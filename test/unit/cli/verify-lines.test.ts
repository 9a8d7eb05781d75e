/** A run's `verify.finished` as the CLI prints it, through the run's ProgressView (off a terminal). */
import type { EventOf } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { ProgressView } from "../../../packages/cli/src/run/progress";

const START = Date.parse("2026-11-29T03:00:00Z");

function view() {
  let written = "";
  const out = {
    isTTY: false,
    write: (text: string) => {
      written += text;
      return true;
    },
  };
  const time = { now: () => START, speed: 1, realMs: (ms: number) => ms, sleep: async () => undefined };
  return { progress: new ProgressView(out, time), lines: () => written.split("\n").filter(Boolean) };
}

const finished: EventOf<"verify.finished"> = {
  runId: "weekly-20261129T030000Z",
  plan: "weekly",
  droplet: "*",
  at: "2026-11-29T03:40:00Z",
  type: "verify.finished",
  origin: "run",
  target: "weekly",
  passed: false,
  droplets: 2,
  checks: 9,
  brokenCount: 3,
  readData: 0.1,
  seed: 7,
  broken: [
    {
      droplet: "gitlab",
      check: "object",
      item: "runs/gitlab/weekly-1/volumes/data.tar.gz",
      detail: "missing from the store",
    },
    { droplet: "drone", check: "duplicity", item: "full 2026-11-01T02:30:00Z", detail: "lacks volume 3 of 4" },
  ],
};

describe("CLI: verify.finished", () => {
  it("prints the verdict and each broken item named, and how many the event did not name", async () => {
    const { progress, lines } = view();
    await progress.emit(finished);
    expect(lines()).toEqual([
      "+00:00            verify of weekly: 3 broken of 9 checks (read back 10% of the archives, seed 7)",
      "+00:00              BROKEN gitlab object runs/gitlab/weekly-1/volumes/data.tar.gz: missing from the store",
      "+00:00              BROKEN drone duplicity full 2026-11-01T02:30:00Z: lacks volume 3 of 4",
      "+00:00              … and 1 more",
    ]);
  });

  it("a verify that held is one line", async () => {
    const { progress, lines } = view();
    await progress.emit({ ...finished, passed: true, brokenCount: 0, broken: [], readData: 0 });
    expect(lines()).toEqual(["+00:00            verify of weekly: all 9 checks hold (sizes only, seed 7)"]);
  });
});
