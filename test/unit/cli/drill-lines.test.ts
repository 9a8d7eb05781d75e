/** A restore drill's events as the CLI prints them, through the run's ProgressView (off a terminal). */
import type { EventOf } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { ProgressView } from "../../../packages/cli/src/run/progress";
import type { TimeBase } from "../../../packages/cli/src/run/time-base";

const START = Date.parse("2026-11-29T04:00:00Z");
const DRILL = "weekly-20261129T040000Z-drill-3f9a1c";

function clock(): TimeBase & { set(seconds: number): void } {
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

function log() {
  let written = "";
  return {
    isTTY: false,
    write: (text: string) => {
      written += text;
      return true;
    },
    lines: () => written.split("\n").filter(Boolean),
  };
}

const base = { runId: DRILL, plan: "weekly", droplet: "gitlab" };
const started: EventOf<"drill.started"> = {
  ...base,
  at: "2026-11-29T04:00:02Z",
  type: "drill.started",
  snapshot: "lifeboat-weekly-gitlab-20261129T030510Z",
  region: "fra1",
  sizeSlug: "s-2vcpu-4gb",
  hourlyPriceUsd: 0.03571,
  trigger: "cli",
};
type Result = EventOf<"drill.passed" | "drill.failed">;
const passed: Result = {
  ...base,
  at: "2026-11-29T04:06:20Z",
  type: "drill.passed",
  snapshot: started.snapshot,
  checks: [
    { name: "containers running again: gitlab, redis", passed: true, detail: "2 of 2 running" },
    { name: "curl -fsS localhost/-/health", passed: true, detail: "exit 0 in 0.4s" },
  ],
  restoreSeconds: 372,
  costUsd: 0.0041,
  destroyed: true,
};

async function print(...events: Array<EventOf<"drill.started"> | Result>) {
  const out = log();
  const time = clock();
  const view = new ProgressView(out, time);
  for (const [i, event] of events.entries()) {
    time.set(i * 380);
    await view.emit(event);
  }
  view.stop();
  return out.lines();
}

describe("drill lines in the CLI", () => {
  it("a passed drill: the scratch droplet, each check ✓ with its reason, the RTO, the cost, destroyed", async () => {
    expect(await print(started, passed)).toEqual([
      `+00:00  gitlab    drill ${DRILL}: scratch droplet s-2vcpu-4gb ($0.036/h) in fra1 from lifeboat-weekly-gitlab-20261129T030510Z`,
      "+06:20  gitlab    drill passed: snapshot lifeboat-weekly-gitlab-20261129T030510Z",
      "+06:20  gitlab      ✓ containers running again: gitlab, redis — 2 of 2 running",
      "+06:20  gitlab      ✓ curl -fsS localhost/-/health — exit 0 in 0.4s",
      "+06:20  gitlab      restore time (RTO): 6m12s (snapshot → scratch droplet active → checks passed)",
      "+06:20  gitlab      cost: $0.0041",
      "+06:20  gitlab      scratch droplet: destroyed",
    ]);
  });

  it("a failed drill that kept its scratch droplet: what failed, the ✗ check, no RTO, how to destroy it", async () => {
    const failed: Result = {
      ...passed,
      type: "drill.failed",
      checks: [{ name: "curl -fsS localhost/-/health", passed: false, detail: "exit 22: HTTP 502" }],
      error: "1 of 1 checks failed",
      destroyed: false,
    };
    delete failed.restoreSeconds;
    const lines = await print(failed);
    expect(lines.slice(0, 3)).toEqual([
      "+00:00  gitlab    drill failed: snapshot lifeboat-weekly-gitlab-20261129T030510Z — 1 of 1 checks failed",
      "+00:00  gitlab      ✗ curl -fsS localhost/-/health — exit 22: HTTP 502",
      "+00:00  gitlab      restore time (RTO): none: the drill ended before every check passed",
    ]);
    expect(lines[4]).toContain("scratch droplet: NOT destroyed (kept with --keep, or destroying it failed)");
    expect(lines[4]).toContain("doctl compute droplet list --tag-name lifeboat-drill");
    expect(lines[4]).toContain("doctl compute droplet delete <id>");
  });
});
