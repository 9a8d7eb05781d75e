/**
 * Restore drills end to end: the sandbox serves DigitalOcean (through the real client), the
 * scratch droplet's address leads to a second harness sshd set up the way the drill's user data
 * says (its host key, lifeboat's key), Docker is the harness's dockerd and the latest run's
 * manifest and volume archive are in s3rver, which the scratch droplet downloads the archive
 * from itself (a presigned URL; nothing streams through this process). A few drills, each
 * asserting a lot.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  DRILL_EGRESS_FIREWALL_PREFIX,
  DRILL_TAG,
  type DrillResult,
  type DrillShell,
  type LifeboatConfigInput,
  type LifeboatEvent,
  runDrill,
  snapshotName,
  validateConfig,
  watchdogRound,
} from "@lifeboat/core";
import type { DigitalOceanClient } from "@lifeboat/digitalocean";
import { drillShell, drillVolumeName } from "@lifeboat/remote";
import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { drillBackups, type S3Sink, type Sink, writeManifest } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalSteps } from "../../../packages/cli/src/run/local-steps";
import type { TimeBase } from "../../../packages/cli/src/run/time-base";
import { harness, harnessDocker, missingServices } from "../../harness/context";
import { type DrillSshd, parseDrillUserData, startDrillSshd } from "../../harness/drill-sshd";
import { findBinary, freePort } from "../../harness/process";
import { sandboxClient } from "../../unit/routine/world";
import { s3SinkOf } from "../routine/job-world";

const missing = missingServices("ssh", "docker", "s3");
const id = `${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
const WEB = `drill-web-${id}`;
const CRASH = `drill-crash-${id}`;
const VOLUME = `drill-data-${id}`;
const START = Date.parse("2026-01-12T05:00:00Z");

describe.skipIf(missing)("lifeboat drill on a scratch droplet (second sshd)", () => {
  const sshds: DrillSshd[] = [];
  let privateKey = "";
  let archive: Buffer;

  beforeAll(() => {
    const h = harness();
    privateKey = execFileSync("cat", [h.ssh!.privateKeyPath], { encoding: "utf8" });
    // The snapshot's containers, as they are after a boot: created, not running.
    harnessDocker("create", "--name", WEB, h.docker!.baseImage, "sleep", "3600");
    harnessDocker("create", "--name", CRASH, h.docker!.baseImage, "sh", "-c", "exit 3");
    // A volume archive as the archive job makes it: tar of ./… , gzip.
    const dir = join(h.tmp, `drill-src-${id}`);
    execFileSync("sh", ["-c", `mkdir -p ${dir}/sub && echo a > ${dir}/a && echo b > ${dir}/sub/b`]);
    archive = execFileSync("sh", ["-c", `tar c -C ${dir} . | gzip -c`]);
  });

  afterAll(async () => {
    for (const s of sshds) await s.stop();
    for (const name of [WEB, CRASH]) harnessDocker("rm", "-f", name);
    harnessDocker("volume", "rm", "-f", drillVolumeName(VOLUME));
  });

  /** A stored run of gitlab: its manifest names `containers` (volume owners) and the archive. */
  async function storedRun(prefix: string, containers: string[], corrupt = false): Promise<S3Sink> {
    const sink = s3SinkOf(harness(), prefix);
    const runId = "weekly-20260111T030000Z";
    const key = `runs/gitlab/${runId}/volumes/${VOLUME}.tar.gz`;
    const stored = await sink.put(key, Readable.from([archive]));
    const volume = (container: string, i: number) => ({
      volume: i === 0 ? VOLUME : `${VOLUME}-${i}`,
      container,
      image: harness().docker!.baseImage,
      usedBy: [],
      compression: "gzip" as const,
      key,
      bytes: stored.bytes,
      sha256: stored.sha256,
    });
    await writeManifest(sink, {
      runId,
      plan: "weekly",
      droplet: "gitlab",
      createdAt: "2026-01-11T03:00:00.000Z",
      containers: [],
      volumes: containers.map(volume),
    });
    if (corrupt) {
      const flipped = Buffer.from(archive);
      flipped[flipped.length - 10] = (flipped[flipped.length - 10] ?? 0) ^ 0xff;
      await sink.put(key, Readable.from([flipped]));
    }
    return sink;
  }

  /** What the drill did on the scratch droplet, and how many firewall changes the sandbox had seen by then. */
  interface ShellMark {
    what: "stopped" | "starting";
    at: number;
    firewallChanges: number;
    names: string[];
  }

  interface Drilled {
    result: DrillResult;
    events: LifeboatEvent[];
    sandbox: Sandbox;
    gitlabId: number;
    userData: string[];
    marks: ShellMark[];
    /** Keys this process read from the store (manifests only: archives go to the droplet straight). */
    read: string[];
    /** The SSH side's log: every command sent to the scratch droplet. */
    logged: string[];
  }

  async function drill(o: {
    sink: S3Sink;
    drill: Record<string, unknown>;
    /** The scratch droplet's sshd never answers. */
    silent?: boolean;
    prepare?: (sandbox: Sandbox) => void;
    /** The process dies when the drill reaches this wait; then `after` runs (the watchdog). */
    kill?: { at: string; after: (sandbox: Sandbox, api: DigitalOceanClient) => Promise<void> };
  }): Promise<Drilled> {
    const h = harness();
    const sandbox = await startSandbox({ startAt: START });
    try {
      const gitlab = sandbox.addDroplet({ name: "gitlab", diskGb: 25, usedDiskGb: 2, region: "fra1" });
      sandbox.state.addSnapshot(gitlab.id, snapshotName("weekly", "gitlab", new Date(START - 86_400_000)));
      o.prepare?.(sandbox);
      const api = sandboxClient(sandbox);
      // Virtual time: every durable wait moves the sandbox's clock and takes no real time.
      const time: TimeBase = {
        now: () => sandbox.clock.now(),
        speed: 1,
        realMs: (ms) => {
          sandbox.advance(ms);
          return 0;
        },
        sleep: async (ms) => sandbox.advance(ms),
      };
      const silentPort = await freePort();
      const started = new Map<string, Promise<number>>();
      const read: string[] = [];
      const store: Sink = Object.assign(Object.create(o.sink) as S3Sink, {
        get: (key: string) => {
          read.push(key);
          return o.sink.get(key);
        },
      });
      const logged: string[] = [];
      const real: DrillShell = drillShell({
        log: (line) => logged.push(line),
        privateKey: async () => privateKey,
        username: h.ssh!.user,
        helperImage: h.docker!.baseImage,
        settleMs: 1_500,
        stopSeconds: 1,
        // The scratch droplet's address → a second sshd made from the user data DigitalOcean got.
        endpoint: async (address) => {
          if (o.silent) return { host: "127.0.0.1", port: silentPort };
          let port = started.get(address);
          if (!port) {
            const droplet = [...sandbox.state.droplets.values()].find((d) => d.publicIpv4 === address);
            const userData = parseDrillUserData(droplet?.createdWith?.userData ?? "");
            port = startDrillSshd(
              join(h.tmp, `drill-sshd-${id}-${started.size}-${Date.now()}`),
              findBinary("/usr/sbin/sshd")!,
              userData,
              {
                DOCKER_HOST: h.docker!.host,
              },
            ).then((s) => {
              sshds.push(s);
              return s.port;
            });
            started.set(address, port);
          }
          return { host: "127.0.0.1", port: await port };
        },
      });
      const marks: ShellMark[] = [];
      const mark = (what: ShellMark["what"], names: string[]) =>
        marks.push({ what, at: sandbox.clock.now(), firewallChanges: sandbox.state.firewallChanges.length, names });
      const shell: DrillShell = {
        ...real,
        stopContainers: async (access) => {
          const stopped = await real.stopContainers(access);
          mark("stopped", stopped);
          return stopped;
        },
        startContainers: (access, names) => {
          mark("starting", names);
          return real.startContainers(access, names);
        },
      };
      const events: LifeboatEvent[] = [];
      const config: LifeboatConfigInput = {
        plans: [
          {
            name: "weekly",
            schedule: "cron(0 3 ? * SUN *)",
            droplets: [{ name: "gitlab" }],
            snapshot: { approval: { required: false } },
            drill: { schedule: "cron(0 5 ? * MON *)", ...o.drill },
          },
        ],
      } as LifeboatConfigInput;
      const steps = new LocalSteps(time);
      let died: () => void = () => undefined;
      const death = new Promise<undefined>((resolve) => {
        died = () => resolve(undefined);
      });
      // A killed process: the wait it was in never returns, and no finally of the drill runs.
      const ctx = {
        ...steps,
        step: steps.step.bind(steps),
        wait: steps.wait.bind(steps),
        createCallback: steps.createCallback.bind(steps),
        runInChildContext: (_name: string, fn: (c: unknown) => Promise<unknown>) => fn(ctx),
        map: steps.map.bind(steps),
        waitForCondition: (name: string, check: never, options: never) => {
          if (name !== o.kill?.at) return steps.waitForCondition(name, check, options);
          died();
          return new Promise(() => undefined);
        },
      } as unknown as LocalSteps;
      const running = runDrill(
        ctx,
        {
          api,
          events: { emit: async (e) => void events.push(e) },
          shell,
          backups: drillBackups(store),
          now: () => sandbox.clock.now(),
          limits: { activeSeconds: 600, sshSeconds: 60, pollSeconds: 10 },
        },
        validateConfig(config),
        {
          kind: "drill",
          plan: "weekly",
          droplet: "gitlab",
          trigger: "schedule",
          scheduledTime: new Date(START).toISOString(),
        },
      );
      const result = (await Promise.race([running, death])) as DrillResult;
      if (!result) await o.kill?.after(sandbox, api);
      const userData = [
        ...sandbox.state.droplets.values(),
        ...[...sandbox.state.destroyed.values()].map((d) => d.droplet),
      ]
        .map((d) => d.createdWith?.userData)
        .filter((u): u is string => !!u);
      return { result, events, sandbox, gitlabId: gitlab.id, userData, marks, read, logged };
    } finally {
      await sandbox.close();
    }
  }

  /** What every drill that made a droplet must show: isolated from creation, destroyed, the original untouched. */
  function expectIsolatedAndGone(d: Drilled) {
    const made = [...d.sandbox.state.destroyed.values()].map((x) => x.droplet);
    expect(made.length).toBeGreaterThan(0);
    for (const droplet of made) {
      expect(droplet.createdWith?.tags).toContain(DRILL_TAG);
      const covering = droplet.createdWith?.firewalls ?? [];
      expect(covering.map((f) => f.tags)).toEqual([[DRILL_TAG]]);
      expect(covering[0]?.outboundRules).toEqual([]);
      expect(covering[0]?.inboundRules.map((r) => r.ports)).toEqual(["22"]);
    }
    expect(d.sandbox.state.droplets.size).toBe(1); // only the original is left
    // No outbound traffic left open: every firewall but the isolating one is gone.
    expect([...d.sandbox.state.firewalls.values()].map((f) => f.tags)).toEqual([[DRILL_TAG]]);
    // No archive byte came through this process: it read manifests only.
    expect(d.read.filter((k) => k.includes("/volumes/"))).toEqual([]);
    const original = d.sandbox.state.droplets.get(d.gitlabId);
    expect(original?.tags).toEqual([]);
    const touched = d.sandbox.log.filter(
      (r) => r.method !== "GET" && (r.path.includes(`/${d.gitlabId}/`) || r.path.endsWith(`/${d.gitlabId}`)),
    );
    expect(touched).toEqual([]);
    // The host key's private half went to DigitalOcean's create only: in no event and no result.
    for (const text of d.userData) {
      const key = parseDrillUserData(text).hostPrivateKey.split("\n")[1] ?? "";
      expect(key.length).toBeGreaterThan(20);
      expect(JSON.stringify({ events: d.events, result: d.result })).not.toContain(key);
    }
  }

  /**
   * Outbound traffic was open for the scratch droplet alone, to the store's port, only between
   * the containers' stop and their start, once per volume (one at a time), and closed at the end.
   */
  function expectEgressOnlyWhileStopped(d: Drilled) {
    const changes = d.sandbox.state.firewallChanges;
    const egress = changes.filter((c) => c.firewall.name.startsWith(DRILL_EGRESS_FIREWALL_PREFIX));
    const volumes = d.result.drills[0]?.checks.filter((c) => c.name.startsWith("volume ")) ?? [];
    expect(egress.map((c) => c.change)).toEqual(volumes.flatMap(() => ["created", "deleted"]));
    const scratchId = d.result.drills[0]?.scratch?.id;
    const storePort = new URL(harness().s3!.endpoint).port;
    for (const opened of egress.filter((c) => c.change === "created")) {
      expect(opened.firewall).toMatchObject({ dropletIds: [scratchId], tags: [], inboundRules: [] });
      expect(opened.firewall.outboundRules.map((r) => `${r.protocol}/${r.ports}`).sort()).toEqual(
        [`tcp/${storePort}`, "tcp/53", "udp/53"].sort(),
      );
    }
    const opened = changes.indexOf(egress[0]!);
    const closed = changes.indexOf(egress.at(-1)!);
    const stopped = d.marks.find((m) => m.what === "stopped");
    const starting = d.marks.find((m) => m.what === "starting");
    expect(stopped).toBeDefined();
    expect(stopped!.firewallChanges).toBeLessThanOrEqual(opened); // stopped before it opened
    if (starting) expect(starting.firewallChanges).toBeGreaterThan(closed); // closed before any start
    expect(egress[0]!.at).toBeGreaterThanOrEqual(stopped!.at);
    if (starting) expect(egress.at(-1)!.at).toBeLessThanOrEqual(starting.at);
    // The droplet fetched the archive; its URL (a bearer credential) is in no command, log, event or result.
    expect(d.logged.filter((l) => l.includes("download archive of"))).toHaveLength(volumes.length);
    expect(JSON.stringify({ logged: d.logged, events: d.events, result: d.result })).not.toMatch(
      /X-Amz-|127\.0\.0\.1:\d+\/[^ ]*drill-/,
    );
  }

  it("passes: volume restored with its sha256 and file count, the container runs, the check passes; then destroyed", async () => {
    const sink = await storedRun(`drill-ok-${id}/`, [WEB]);
    // As a container with a restart policy would be after the clone booted: running.
    harnessDocker("start", WEB);
    const d = await drill({
      sink,
      drill: { checks: [{ command: "test -d /", timeout: "30s" }], restoreVolumes: true },
    });
    expect(d.marks.map((m) => [m.what, m.names])).toEqual([
      ["stopped", [WEB]],
      ["starting", [WEB]],
    ]);
    expectEgressOnlyWhileStopped(d);
    const [one] = d.result.drills;
    expect(one?.checks).toEqual([
      { name: "SSH with the drill's host key", passed: true, detail: expect.stringContaining("answered with SHA256:") },
      {
        name: `volume ${VOLUME}`,
        passed: true,
        detail: `sha256 matches the manifest; 3 files restored into ${drillVolumeName(VOLUME)}`,
      },
      { name: `container ${WEB}`, passed: true, detail: "running" },
      { name: "check test -d /", passed: true, detail: expect.stringMatching(/^exited 0 in /) },
    ]);
    expect(one).toMatchObject({ passed: true, destroyed: true });
    expect(one?.restoreSeconds).toBeGreaterThanOrEqual(40); // the sandbox's create takes 40 s + 3 s/GB
    expect(one?.costUsd).toBeGreaterThan(0);
    expect(d.events.map((e) => e.type)).toEqual(["drill.started", "drill.passed"]);
    expectIsolatedAndGone(d);
    harnessDocker("stop", "-t", "0", WEB);
  });

  it("fails, naming each failure: a container that does not stay up, a check that exits 1, an archive whose sha256 does not match", async () => {
    const sink = await storedRun(`drill-bad-${id}/`, [WEB, CRASH], true);
    const d = await drill({
      sink,
      drill: {
        checks: [{ command: "echo nope >&2; exit 1", timeout: "30s" }, { command: "true" }],
        restoreVolumes: true,
      },
    });
    const checks = d.result.drills[0]?.checks ?? [];
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(byName[`volume ${VOLUME}`]).toMatchObject({
      passed: false,
      detail: expect.stringContaining("as downloaded: sha256 is"),
    });
    expect(byName[`volume ${VOLUME}`]?.detail).toContain("the manifest says");
    expectEgressOnlyWhileStopped(d);
    expect(byName[`container ${WEB}`]).toMatchObject({ passed: true });
    expect(byName[`container ${CRASH}`]).toMatchObject({
      passed: false,
      detail: expect.stringContaining("started, then stopped (exit code 3"),
    });
    expect(byName["check echo nope >&2; exit 1"]).toEqual({
      name: "check echo nope >&2; exit 1",
      passed: false,
      detail: "exited 1: nope",
    });
    expect(byName["check true"]).toMatchObject({ passed: true });
    expect(d.result.drills[0]).toMatchObject({ passed: false, destroyed: true });
    expect(d.events.at(-1)).toMatchObject({ type: "drill.failed", destroyed: true });
    expect(d.result.drills[0]?.restoreSeconds).toBeUndefined();
    expectIsolatedAndGone(d);
    harnessDocker("stop", "-t", "0", WEB);
  });

  it("destroys the scratch droplet when its create ends errored, and when SSH never answers (bounded)", async () => {
    const sink = await storedRun(`drill-none-${id}/`, [WEB]);
    const errored = await drill({
      sink,
      drill: {},
      prepare: (sandbox) => sandbox.inject({ operationId: "droplets_create", fault: { kind: "action-errored" } }),
    });
    expect(errored.result.drills[0]?.error).toMatch(/ended errored; it never became active/);
    expectIsolatedAndGone(errored);

    const silent = await drill({ sink, drill: {}, silent: true });
    expect(silent.result.drills[0]).toMatchObject({ passed: false, destroyed: true });
    expect(silent.result.drills[0]?.checks[0]).toMatchObject({
      passed: false,
      detail: expect.stringMatching(/^no answer within 60 s: /),
    });
    expectIsolatedAndGone(silent);
  });

  it("a drill whose process is killed mid-drill leaves a droplet the watchdog destroys after drill.maxAge", async () => {
    const sink = await storedRun(`drill-kill-${id}/`, [WEB]);
    let report: Awaited<ReturnType<typeof watchdogRound>> | undefined;
    const d = await drill({
      sink,
      drill: { maxAge: "1h" },
      kill: {
        at: "wait for scratch droplet ssh",
        after: async (sandbox, api) => {
          const config = validateConfig({
            plans: [
              {
                name: "weekly",
                schedule: "cron(0 3 ? * SUN *)",
                droplets: [{ name: "gitlab" }],
                snapshot: { approval: { required: false } },
                drill: { schedule: "cron(0 5 ? * MON *)", maxAge: "1h" },
              },
            ],
          });
          const deps = {
            api,
            events: { emit: async () => undefined },
            now: () => sandbox.clock.now(),
            sleep: async (ms: number) => sandbox.advance(ms),
          };
          const early = await watchdogRound(config, deps);
          expect(early.drillsDestroyed).toEqual([]); // younger than its maxAge: left alone
          expect(sandbox.state.droplets.size).toBe(2);
          sandbox.advance(3_600_000);
          report = await watchdogRound(config, deps);
        },
      },
    });
    expect(d.result).toBeUndefined();
    expect(report?.drillsDestroyed).toEqual([expect.stringMatching(/^drill-gitlab-/)]);
    expectIsolatedAndGone(d);
  });

  it("refuses a size above drill.maxHourlyPrice and creates nothing", async () => {
    const sink = await storedRun(`drill-cap-${id}/`, [WEB]);
    const d = await drill({ sink, drill: { maxHourlyPrice: 0.0001 } });
    expect(d.result.drills[0]?.error).toMatch(/above drill\.maxHourlyPrice \(\$0\.0001\); raise drill\.maxHourlyPrice/);
    expect(d.sandbox.log.filter((r) => r.operationId === "droplets_create")).toEqual([]);
    expect(d.events.map((e) => e.type)).toEqual(["drill.failed"]);
  });
});
