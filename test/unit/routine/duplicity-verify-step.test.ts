/**
 * `verify.duplicityPath` in the run's verify step (#15 §1): `duplicity verify` on the droplet as a
 * job, started after the droplets, followed across durable waits, its differences named in the
 * verify report; a job that fails is stopped and named; a dry run runs nothing.
 */
import type { DropletHost, DuplicityVerifyResult, JobStatus } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { scriptedHost } from "./job-host";
import { planInput, seedGitlab, worldsClosedAfterEach } from "./world";

const makeWorld = worldsClosedAfterEach();

const config = planInput(
  {},
  {
    duplicity: { paths: ["/srv"], encryption: { type: "passphrase" } },
    verify: { duplicityPath: "/srv/app" },
  },
);

/** A host whose backup jobs do nothing and whose verify job answers `polls`, then `result`. */
function verifyHost(polls: Array<Partial<JobStatus>>, result: DuplicityVerifyResult | Error) {
  const calls: string[] = [];
  const base = scriptedHost({}, () => 0);
  let n = 0;
  const host: DropletHost = {
    ...base,
    duplicityVerify: (path) => {
      calls.push(`verify ${path}`);
      return {
        start: async () => {
          calls.push("start");
          return { started: true, debris: [] };
        },
        poll: async () => {
          calls.push("poll");
          const p = polls[Math.min(n++, polls.length - 1)]!;
          return { state: "running", bytesDone: 0, idleSeconds: 0, elapsedSeconds: 0, ...p };
        },
        finish: async () => {
          calls.push("finish");
          if (result instanceof Error) throw result;
          return result;
        },
        stop: async (reason) => {
          calls.push(`stop: ${reason}`);
          return { done: ["removed the job"] };
        },
      };
    },
  };
  return { host, calls };
}

const differing: DuplicityVerifyResult = {
  path: "/srv/app",
  compared: 5,
  differences: 2,
  differing: [
    { file: "a.txt", how: "content differs" },
    { file: "sub/b.txt", how: "missing, the backup has it" },
  ],
};

describe("routine: duplicity verify of verify.duplicityPath", () => {
  it("runs on the droplet after the backups, and the report names each file that differs", async () => {
    const { host, calls } = verifyHost([{ bytesDone: 10 }, { state: "succeeded", bytesDone: 20 }], differing);
    const world = await makeWorld({ config, hosts: () => host });
    seedGitlab(world.sandbox);
    const execution = await world.run();
    const result = execution.getResult()!;
    expect(result.outcome).toBe("succeeded");
    expect(result.verify?.ok).toBe(false);
    expect(result.verify?.findings).toEqual([
      {
        droplet: "gitlab",
        check: "duplicity",
        item: "verify /srv/app",
        ok: false,
        detail:
          "duplicity verify of /srv/app: 2 files differ from the latest backup: /srv/app/a.txt (content differs), /srv/app/sub/b.txt (missing, the backup has it)",
      },
    ]);
    expect(calls).toEqual(["verify /srv/app", "start", "poll", "poll", "finish"]);
    // In durable steps of its own, with durable waits between the polls, before run.finished.
    const names = execution.getOperations().map((o) => o.getName());
    for (const step of [
      "verify duplicity start gitlab",
      "verify duplicity wait gitlab 2",
      "verify duplicity finish gitlab",
    ]) {
      expect(names).toContain(step);
    }
    expect(names.indexOf("verify duplicity finish gitlab")).toBeLessThan(names.indexOf("event run finished"));
  });

  it("passes when nothing differs", async () => {
    const { host } = verifyHost([{ state: "succeeded" }], {
      path: "/srv/app",
      compared: 5,
      differences: 0,
      differing: [],
    });
    const world = await makeWorld({ config, hosts: () => host });
    seedGitlab(world.sandbox);
    const verify = (await world.run()).getResult()!.verify!;
    expect(verify.ok).toBe(true);
    expect(verify.findings.map((f) => f.detail)).toEqual([
      "duplicity verify of /srv/app: 5 files compared with the latest backup, none differs",
    ]);
  });

  it("a job that fails is stopped, and the report says why", async () => {
    const { host, calls } = verifyHost(
      [{ state: "failed", error: "verify failed (exit code 23): no backup chain" }],
      differing,
    );
    const world = await makeWorld({ config, hosts: () => host });
    seedGitlab(world.sandbox);
    const verify = (await world.run()).getResult()!.verify!;
    expect(verify.findings).toMatchObject([
      {
        check: "duplicity",
        ok: false,
        detail:
          "duplicity verify of /srv/app could not run: the job failed: verify failed (exit code 23): no backup chain",
      },
    ]);
    expect(calls).toContain("stop: the job failed: verify failed (exit code 23): no backup chain");
    expect(calls).not.toContain("finish");
  });

  it("a job that cannot start is named once, whatever stopping it says", async () => {
    const noKey = () => Promise.reject(Object.assign(new Error("set SSH_PRIVATE_KEY"), { retryable: false }));
    const host: DropletHost = {
      ...scriptedHost({}, () => 0),
      duplicityVerify: () => ({ start: noKey, poll: noKey, finish: noKey, stop: noKey }),
    };
    const world = await makeWorld({ config, hosts: () => host });
    seedGitlab(world.sandbox);
    const verify = (await world.run()).getResult()!.verify!;
    expect(verify.findings.map((f) => [f.ok, f.detail])).toEqual([
      [false, "duplicity verify of /srv/app could not run: the job could not be started: set SSH_PRIVATE_KEY"],
    ]);
  });

  it("a droplet without SSH is named, not skipped", async () => {
    const world = await makeWorld({ config, hosts: () => ({ skipped: "no address for it" }) });
    seedGitlab(world.sandbox);
    const verify = (await world.run()).getResult()!.verify!;
    expect(verify.findings.map((f) => [f.ok, f.detail])).toEqual([
      [false, "duplicity verify of /srv/app could not run: gitlab is not reachable over SSH: no address for it"],
    ]);
  });

  it("a dry run runs nothing", async () => {
    const { host, calls } = verifyHost([{ state: "succeeded" }], differing);
    const world = await makeWorld({ config, hosts: () => host });
    seedGitlab(world.sandbox);
    expect((await world.run({ dryRun: true })).getResult()!.verify).toBeUndefined();
    expect(calls).toEqual([]);
  });
});
