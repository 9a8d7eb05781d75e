/**
 * A failing `pre` hook: by default (onFailure "skip-archives") the droplet's archives and
 * duplicity are skipped and the snapshot is still taken; with "continue" they run. Either way
 * the failure is in the droplet's outcome, its notes and a `run.failed` event. The droplet side
 * is a recording DropletHost; the DigitalOcean side the sandbox.
 */
import { type DropletHost, type HookOutcome, parseConfig } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { actionsStarted, planInput, seedGitlab, worldsClosedAfterEach } from "./world";

const makeWorld = worldsClosedAfterEach();

function recordingHost(calls: string[]): DropletHost {
  const hook = (command: string, exitCode: number): HookOutcome => ({
    command,
    exitCode,
    timedOut: false,
    stderr: exitCode === 0 ? "" : "pg_dump: connection refused",
    durationMs: 5,
  });
  return {
    hooks: async (stage) => {
      calls.push(`${stage} hooks`);
      return stage === "pre" ? [hook("pg_dump app > /srv/dump.sql", 1)] : [hook("rm /srv/dump.sql", 0)];
    },
    inventory: async () => {
      calls.push("inventory");
      return { containers: [{ name: "app", image: "app:1", running: true, mounts: [] }] };
    },
    startJob: async (kind) => {
      calls.push(kind);
      return { started: true, debris: [] };
    },
    pollJob: async () => ({ state: "succeeded", bytesDone: 10, idleSeconds: 0, elapsedSeconds: 1 }),
    finishArchive: async () => [
      { kind: "manifest", name: "manifest.json", key: "runs/gitlab/x/manifest.json", bytes: 10, sha256: "0" },
    ],
    finishDuplicity: async () => ({ mode: "full", chains: 1, bytes: 10, durationSeconds: 1 }),
    stopJob: async (kind) => {
      calls.push(`stop ${kind}`);
      return { done: [] };
    },
    restartContainers: async (names) => {
      calls.push("restart");
      return { restarted: names, failed: [] };
    },
    checkSsh: async () => true,
  };
}

const withPreHook = (onFailure?: "skip-archives" | "continue") =>
  planInput(
    {},
    {
      hooks: {
        pre: [{ command: "pg_dump app > /srv/dump.sql", ...(onFailure ? { onFailure } : {}) }],
        post: [{ command: "rm /srv/dump.sql" }],
      },
      duplicity: { paths: ["/srv"], encryption: { type: "passphrase" } },
    },
  );

describe("a failing pre hook", () => {
  it("by default skips the droplet's archives and duplicity, still takes the snapshot, and reports it", async () => {
    const calls: string[] = [];
    const world = await makeWorld({ config: withPreHook(), hosts: () => recordingHost(calls) });
    seedGitlab(world.sandbox);
    const result = (await world.run()).getResult()!;

    expect(calls).toEqual(["pre hooks", "inventory", "post hooks", "restart"]);
    const gitlab = result.droplets[0]!;
    expect(gitlab.phases).toMatchObject({
      "pre hooks": "failed",
      inventory: "done",
      archive: "skipped",
      duplicity: "skipped",
      "post hooks": "done",
      snapshot: "done",
      "power on": "done",
    });
    expect(gitlab.snapshot).toMatch(/^lifeboat-weekly-gitlab-/);
    expect(actionsStarted(world.sandbox, "snapshot")).toBe(1);
    expect(gitlab.outcome).toBe("failed");
    expect(gitlab.detail).toContain(
      'archives and duplicity skipped: pre hook `pg_dump app > /srv/dump.sql` failed (onFailure: "skip-archives")',
    );
    const failure = world.events.find((e) => e.type === "run.failed");
    expect(failure).toMatchObject({
      phase: "pre hooks",
      error: expect.stringContaining("exited 1: pg_dump: connection refused"),
      recovery: expect.stringContaining('archives and duplicity skipped (onFailure: "skip-archives")'),
    });
    expect(world.events.map((e) => e.type)).not.toContain("archive.stored");
    expect(world.events.map((e) => e.type)).not.toContain("duplicity.completed");
  });

  it('with onFailure: "continue" archives and duplicity run, and the failure is still reported', async () => {
    const calls: string[] = [];
    const world = await makeWorld({ config: withPreHook("continue"), hosts: () => recordingHost(calls) });
    seedGitlab(world.sandbox);
    const result = (await world.run()).getResult()!;

    expect(calls).toEqual(["pre hooks", "inventory", "archive", "duplicity", "post hooks", "restart"]);
    const gitlab = result.droplets[0]!;
    expect(gitlab.phases).toMatchObject({
      "pre hooks": "failed",
      archive: "done",
      duplicity: "done",
      snapshot: "done",
    });
    expect(gitlab.detail).toContain("pre hook `pg_dump app > /srv/dump.sql` failed; archives and duplicity ran anyway");
    expect(world.events.find((e) => e.type === "run.failed")).toMatchObject({
      phase: "pre hooks",
      recovery: 'the backup went on without it (onFailure: "continue")',
    });
    expect(world.events.map((e) => e.type)).toContain("duplicity.completed");
  });
});

describe("hooks.pre[].onFailure in lifeboat.config.ts", () => {
  it('defaults to "skip-archives"; a wrong value, or onFailure on a post hook, is a problem naming the path', () => {
    const parsed = parseConfig(withPreHook());
    expect(parsed.ok && parsed.config.plans[0]?.hooks.pre[0]?.onFailure).toBe("skip-archives");

    const wrong = parseConfig(planInput({}, { hooks: { pre: [{ command: "true", onFailure: "ignore" }] } }));
    expect(wrong.ok ? [] : wrong.problems).toEqual([
      expect.objectContaining({
        path: "plans[0].hooks.pre[0].onFailure",
        message: expect.stringContaining('"continue"'),
      }),
    ]);
    const onPost = parseConfig(planInput({}, { hooks: { post: [{ command: "true", onFailure: "continue" }] } }));
    expect(onPost.ok ? [] : onPost.problems.map((p) => p.path)).toEqual(["plans[0].hooks.post[0].onFailure"]);
  });
});
