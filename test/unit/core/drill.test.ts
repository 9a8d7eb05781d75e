/**
 * The drill's pure parts (snapshot and size choice, user data) and `runDrill` over an
 * in-memory DigitalOcean and SSH side, on the CLI's in-process DurableSteps with virtual time.
 * The harness-backed drill (sandbox + a second sshd) is test/integration/drill.
 */
import {
  type ArchiveDownloadUrls,
  chooseSize,
  chooseSnapshot,
  DRILL_EGRESS_FIREWALL_PREFIX,
  DRILL_TAG,
  type DrillBackup,
  type DrillCheckResult,
  type DrillDeps,
  type DrillShell,
  type DrillVolume,
  type Droplet,
  type DropletApi,
  type DropletFirewall,
  type DropletSize,
  type DropletSnapshot,
  drillUserData,
  type FirewallSpec,
  type LifeboatConfigInput,
  type LifeboatEvent,
  runDrill,
  snapshotName,
  validateConfig,
} from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { LocalSteps } from "../../../packages/cli/src/run/local-steps";
import type { TimeBase } from "../../../packages/cli/src/run/time-base";

const size = (slug: string, diskGb: number, priceHourly: number, extra: Partial<DropletSize> = {}): DropletSize => ({
  slug,
  diskGb,
  memoryMb: 1024,
  vcpus: 1,
  priceHourly,
  priceMonthly: priceHourly * 730,
  regions: ["fra1", "nyc3"],
  available: true,
  ...extra,
});

const SIZES = [
  size("s-2vcpu-4gb", 80, 0.03571),
  size("s-1vcpu-1gb", 25, 0.00893),
  size("s-1vcpu-2gb", 50, 0.01786),
  size("c-2", 25, 0.0625),
  size("s-1vcpu-512mb", 10, 0.00595, { regions: ["nyc3"] }),
  size("old-1gb", 60, 0.001, { available: false }),
];

describe("chooseSize", () => {
  it("takes the cheapest size sold in the region whose disk fits the snapshot", () => {
    expect(chooseSize(SIZES, { region: "fra1", minDiskGb: 50 })).toMatchObject({ size: { slug: "s-1vcpu-2gb" } });
    expect(chooseSize(SIZES, { region: "fra1", minDiskGb: 20 })).toMatchObject({ size: { slug: "s-1vcpu-1gb" } });
    expect(chooseSize(SIZES, { region: "nyc3", minDiskGb: 10 })).toMatchObject({ size: { slug: "s-1vcpu-512mb" } });
    expect(chooseSize(SIZES, { region: "fra1", minDiskGb: 200 })).toEqual({
      refused: "no size available in fra1 has a disk of 200 GB or more",
    });
  });

  it("takes drill.size when it is sold there and fits, and refuses it otherwise", () => {
    expect(chooseSize(SIZES, { region: "fra1", minDiskGb: 25, slug: "c-2" })).toMatchObject({ size: { slug: "c-2" } });
    expect(chooseSize(SIZES, { region: "fra1", minDiskGb: 50, slug: "c-2" })).toEqual({
      refused: "size c-2 (drill.size) has a 25 GB disk; the snapshot needs at least 50 GB",
    });
    expect(chooseSize(SIZES, { region: "fra1", minDiskGb: 5, slug: "s-1vcpu-512mb" })).toMatchObject({
      refused: expect.stringContaining("not available in fra1"),
    });
  });

  it("refuses a size dearer than drill.maxHourlyPrice, saying how to allow it", () => {
    const refused = chooseSize(SIZES, { region: "fra1", minDiskGb: 50, maxHourlyPrice: 0.01 });
    expect(refused).toEqual({
      refused:
        "the drill needs size s-1vcpu-2gb at $0.01786/hour, above drill.maxHourlyPrice ($0.01); raise drill.maxHourlyPrice in lifeboat.config.ts to allow it. Nothing was created",
    });
    expect(chooseSize(SIZES, { region: "fra1", minDiskGb: 50, maxHourlyPrice: 0.01786 })).toMatchObject({
      size: { slug: "s-1vcpu-2gb" },
    });
  });
});

const GITLAB = { id: 7, name: "gitlab" };
const snap = (name: string, dropletId = GITLAB.id): DropletSnapshot => ({
  id: `snap-${name}`,
  name,
  createdAt: "2026-01-01T00:00:00Z",
  sizeGb: 20,
  minDiskGb: 25,
  dropletId,
  regions: ["fra1"],
});
const older = snapshotName("weekly", "gitlab", new Date("2026-01-01T03:00:00Z"));
const newer = snapshotName("weekly", "gitlab", new Date("2026-01-08T03:00:00Z"));

describe("chooseSnapshot", () => {
  const list = [snap(older), snap(newer), snap("gitlab-by-hand"), snap(snapshotName("daily", "gitlab", new Date()))];

  it("takes the latest of the plan's own snapshots of the droplet", () => {
    expect(chooseSnapshot(list, "weekly", GITLAB)).toMatchObject({ snapshot: { name: newer } });
    expect(chooseSnapshot([snap(newer, 8)], "weekly", GITLAB)).toEqual({
      refused: "gitlab has no lifeboat snapshot of plan weekly yet; run the plan first (lifeboat run weekly)",
    });
  });

  it("takes a named one only when it is lifeboat's own", () => {
    expect(chooseSnapshot(list, "weekly", GITLAB, older)).toMatchObject({ snapshot: { name: older } });
    expect(chooseSnapshot(list, "weekly", GITLAB, "gitlab-by-hand")).toEqual({
      refused:
        "snapshot gitlab-by-hand was not made by lifeboat's plan weekly for gitlab; a drill boots only lifeboat's own snapshots",
    });
    expect(chooseSnapshot(list, "weekly", GITLAB, "nope")).toEqual({
      refused: `gitlab has no snapshot named nope; its latest are: ${newer}, ${older}`,
    });
  });
});

const SENTINEL = "PRIVATE-SENTINEL-9f3c";
const HOST_KEY = {
  privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${SENTINEL}AAAA\n-----END OPENSSH PRIVATE KEY-----\n`,
  publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey drill",
  fingerprint: "SHA256:drillhostkey",
};
const LIFEBOAT_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILifeboat lifeboat";

describe("drillUserData", () => {
  it("installs the drill's host key and lifeboat's key, as cloud-config", () => {
    const text = drillUserData(HOST_KEY, LIFEBOAT_KEY);
    expect(text.split("\n")).toEqual([
      "#cloud-config",
      "# lifeboat restore drill: this droplet's host key is the one lifeboat pins for it.",
      "ssh_deletekeys: true",
      "ssh_genkeytypes: []",
      "disable_root: false",
      "ssh_keys:",
      "  ed25519_private: |",
      "    -----BEGIN OPENSSH PRIVATE KEY-----",
      `    ${SENTINEL}AAAA`,
      "    -----END OPENSSH PRIVATE KEY-----",
      `  ed25519_public: ${HOST_KEY.publicKey}`,
      "ssh_authorized_keys:",
      `  - ${LIFEBOAT_KEY}`,
      "",
    ]);
  });

  it("refuses a key that would break out of its line", () => {
    expect(() => drillUserData(HOST_KEY, `${LIFEBOAT_KEY}\nruncmd: [reboot]`)).toThrow(
      "lifeboat's public key is not a one-line OpenSSH public key",
    );
  });
});

/** An in-memory DigitalOcean with what a drill calls, recording every call. */
function fakeApi(o: {
  snapshots: DropletSnapshot[];
  createdStatus?: Droplet["status"];
  closeFails?: boolean;
  /** The first egress firewall is made but its answer is lost (the call throws). */
  openAnswerLost?: boolean;
}) {
  const calls: Array<{ method: string; args: unknown[] }> = [];
  const droplets = new Map<number, Droplet>();
  const original: Droplet = {
    ...GITLAB,
    status: "active",
    tags: [],
    region: "fra1",
    sizeSlug: "s-2vcpu-4gb",
    diskGb: 80,
    publicIpv4: "203.0.113.7",
    createdAt: "2025-01-01T00:00:00Z",
  };
  droplets.set(original.id, original);
  let firewall: (FirewallSpec & { id: string }) | undefined;
  const dropletFirewalls = new Map<string, DropletFirewall>();
  let nextId = 100;
  const looked = new Map<number, number>();
  const api: Partial<DropletApi> = {
    findDroplets: async (selector) =>
      [...droplets.values()].filter((d) => "name" in selector && d.name === selector.name),
    listDropletSnapshots: async (id) => o.snapshots.filter((s) => s.dropletId === id),
    getAccount: async () => ({ dropletLimit: 10, status: "active" }),
    countDroplets: async () => droplets.size,
    listSizes: async () => SIZES,
    ensureTag: async () => undefined,
    ensureFirewall: async (spec) => {
      firewall = { ...spec, id: "fw-1" };
      return firewall;
    },
    createDropletFromSnapshot: async (options) => {
      const d: Droplet = {
        id: nextId++,
        name: options.name,
        status: "new",
        tags: options.tags ?? [],
        region: options.region,
        sizeSlug: options.sizeSlug,
        diskGb: 25,
        createdAt: "2026-01-10T00:00:00Z",
      };
      droplets.set(d.id, d);
      return d;
    },
    getDroplet: async (id) => {
      const d = droplets.get(id);
      if (!d) throw new Error(`droplet ${id} not found`);
      // Like DigitalOcean, a new droplet is seen "new" once before its status changes.
      const looks = (looked.get(id) ?? 0) + 1;
      looked.set(id, looks);
      if (d.id !== original.id && d.status === "new" && looks > 1) {
        d.status = o.createdStatus ?? "active";
        if (d.status === "active") d.publicIpv4 = "198.51.100.9";
      }
      return d;
    },
    listDropletsByTag: async (tag) => [...droplets.values()].filter((d) => d.tags.includes(tag)),
    destroyDroplet: async (id) => void droplets.delete(id),
    createDropletFirewall: async (spec) => {
      // DigitalOcean gives every firewall its own id, whatever its name.
      const made = { ...spec, id: `fw-${spec.name}-${dropletFirewalls.size + 1}`, createdAt: "2026-01-10T05:00:00Z" };
      dropletFirewalls.set(made.id, made);
      if (o.openAnswerLost && dropletFirewalls.size === 1) throw new Error("socket hang up");
      return made;
    },
    listFirewalls: async () => [...dropletFirewalls.values()],
    deleteFirewall: async (id) => {
      if (o.closeFails) throw new Error("HTTP 500 from DigitalOcean");
      dropletFirewalls.delete(id);
    },
  };
  const recorded = new Proxy(api as DropletApi, {
    get(target, prop: string) {
      const fn = (target as unknown as Record<string, unknown>)[prop];
      if (typeof fn !== "function") throw new Error(`the drill called DropletApi.${prop}, which it should not need`);
      return (...args: unknown[]) => {
        calls.push({ method: prop, args });
        return (fn as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
  return { api: recorded, calls, droplets, original, firewall: () => firewall, dropletFirewalls };
}

function fakeShell(o: { answers?: boolean; checkFails?: string; stopFails?: boolean; restoreThrows?: boolean } = {}) {
  const seen: string[] = [];
  const shell: DrillShell = {
    newHostKey: async () => HOST_KEY,
    authorizedKey: async () => LIFEBOAT_KEY,
    answers: async (access) => {
      seen.push(`answers ${access.address} ${access.hostKey}`);
      return o.answers === false ? { ok: false, detail: "connection refused" } : { ok: true, detail: "ok" };
    },
    startContainers: async (_a, names) =>
      names.map((n) => ({ name: `container ${n}`, passed: true, detail: "running" })),
    runChecks: async (_a, checks) =>
      checks.map(
        (c): DrillCheckResult => ({
          name: `check ${c.command}`,
          passed: c.command !== o.checkFails,
          detail: c.command === o.checkFails ? "exited 1" : "exited 0",
        }),
      ),
    stopContainers: async () => {
      if (o.stopFails) throw new Error("still running after docker stop: gitlab");
      return ["gitlab"];
    },
    restoreVolumes: async (_a, volumes) => {
      if (o.restoreThrows) throw new Error("the SSH connection to 198.51.100.9 dropped");
      return volumes.map((v) => ({ name: `volume ${v.volume}`, passed: true, detail: `sha256 ${v.sha256}` }));
    },
  };
  return { shell, seen };
}

const config = (drill: Record<string, unknown> | undefined): LifeboatConfigInput =>
  ({
    plans: [
      {
        name: "weekly",
        schedule: "cron(0 3 ? * SUN *)",
        droplets: [{ name: "gitlab" }],
        snapshot: { approval: { required: false } },
        ...(drill ? { drill: { schedule: "cron(0 5 ? * MON *)", ...drill } } : {}),
      },
    ],
  }) as LifeboatConfigInput;

const BACKUP: DrillBackup = {
  runId: "weekly-20260108T030000Z",
  containers: ["gitlab"],
  volumes: [
    {
      volume: "gitlab-data",
      key: "runs/gitlab/x/volumes/gitlab-data.tar.zst",
      bytes: 10,
      sha256: "ab".repeat(32),
      compression: "zstd",
    },
  ],
};

/** A presigned URL's signature: a bearer credential that must reach the restore call only. */
const URL_SENTINEL = "X-Amz-Signature=URL-SENTINEL-51c2";

async function drill(options: {
  drill?: Record<string, unknown>;
  shell?: Parameters<typeof fakeShell>[0];
  createdStatus?: Droplet["status"];
  keep?: boolean;
  /** The store is a local directory: no download URLs. */
  localStore?: boolean;
  closeFails?: boolean;
  openAnswerLost?: boolean;
  backup?: DrillBackup;
}) {
  let clock = Date.parse("2026-01-10T05:00:00Z");
  const time: TimeBase = {
    now: () => clock,
    speed: 1,
    realMs: (ms) => {
      clock += ms; // virtual time: a wait moves the clock and takes no real time
      return 0;
    },
    sleep: async (ms) => {
      clock += ms;
    },
  };
  const world = fakeApi({
    snapshots: [snap(older), snap(newer)],
    ...(options.createdStatus ? { createdStatus: options.createdStatus } : {}),
    ...(options.closeFails ? { closeFails: true } : {}),
    ...(options.openAnswerLost ? { openAnswerLost: true } : {}),
  });
  const fake = fakeShell(options.shell);
  const seen = fake.seen;
  // Shell calls go into the API's call list too: one order across DigitalOcean and the droplet.
  const shell = new Proxy(fake.shell, {
    get(target, prop: string) {
      const fn = (target as unknown as Record<string, (...a: unknown[]) => unknown>)[prop];
      return (...args: unknown[]) => {
        world.calls.push({ method: `shell.${prop}`, args });
        return fn?.(...args);
      };
    },
  });
  const events: LifeboatEvent[] = [];
  const steps = new LocalSteps(time);
  const results: string[] = [];
  const stepNames: string[] = [];
  const recording = {
    ...steps,
    step: (name: string, fn: never, o?: never) =>
      steps.step(name, fn, o).then((r) => {
        stepNames.push(name);
        results.push(JSON.stringify(r) ?? "");
        return r;
      }),
    wait: steps.wait.bind(steps),
    waitForCondition: steps.waitForCondition.bind(steps),
    runInChildContext: (_name: string, fn: (c: unknown) => Promise<unknown>) => fn(recording),
    createCallback: steps.createCallback.bind(steps),
    map: steps.map.bind(steps),
  } as unknown as LocalSteps;
  const deps: DrillDeps = {
    api: world.api,
    events: { emit: async (e) => void events.push(e) },
    shell,
    backups: {
      latest: async () => options.backup ?? BACKUP,
      ...(options.localStore
        ? {}
        : {
            downloads: {
              ports: [443],
              urls: async (keys: string[], expiresSeconds: number) => ({
                byKey: Object.fromEntries(keys.map((k) => [k, `https://store.example/${k}?${URL_SENTINEL}`])),
                withinSeconds: expiresSeconds,
              }),
            },
          }),
    },
    now: () => clock,
    limits: { activeSeconds: 120, sshSeconds: 60, pollSeconds: 10 },
  };
  const result = await runDrill(recording, deps, validateConfig(config(options.drill)), {
    kind: "drill",
    plan: "weekly",
    droplet: "gitlab",
    trigger: "cli",
    ...(options.keep ? { keep: true } : {}),
    scheduledTime: "2026-01-10T05:00:00Z",
  });
  return { result, events, world, seen, results, stepNames };
}

describe("runDrill", () => {
  it("boots the latest snapshot on an isolated scratch droplet, checks it, destroys it, and never touches the original", async () => {
    const { result, events, world, seen, results } = await drill({
      drill: { checks: [{ command: "curl -fsS localhost/health", timeout: "30s" }], restoreVolumes: true },
    });
    expect(result.passed).toBe(true);
    const [one] = result.drills;
    expect(one).toMatchObject({ droplet: "gitlab", passed: true, snapshot: newer, destroyed: true });
    expect(one?.checks.map((c) => c.name)).toEqual([
      "SSH with the drill's host key",
      "volume gitlab-data",
      "container gitlab",
      "check curl -fsS localhost/health",
    ]);
    expect(one?.restoreSeconds).toBeGreaterThan(0);
    expect(one?.costUsd).toBeGreaterThan(0);

    // The firewall is ensured before the droplet exists, and the droplet carries its tag from creation.
    const order = world.calls.map((c) => c.method);
    expect(order.indexOf("ensureFirewall")).toBeLessThan(order.indexOf("createDropletFromSnapshot"));
    expect(world.firewall()).toMatchObject({ tag: DRILL_TAG, inboundTcpPorts: [22], outboundTcpPorts: [] });
    const create = world.calls.find((c) => c.method === "createDropletFromSnapshot")?.args[0] as {
      tags: string[];
      userData: string;
      snapshotId: string;
      sizeSlug: string;
      region: string;
    };
    expect(create).toMatchObject({ snapshotId: `snap-${newer}`, sizeSlug: "s-1vcpu-1gb", region: "fra1" });
    expect(create.tags).toEqual([DRILL_TAG, `lifeboat-drill:weekly:${result.drillId}`]);
    expect(create.userData).toBe(drillUserData(HOST_KEY, LIFEBOAT_KEY));
    expect(seen[0]).toBe(`answers 198.51.100.9 ${HOST_KEY.fingerprint}`);

    // Destroyed; the original only read.
    expect([...world.droplets.keys()]).toEqual([world.original.id]);
    const touching = world.calls.filter((c) => c.args.includes(world.original.id)).map((c) => c.method);
    expect(touching).toEqual(["listDropletSnapshots"]);
    expect(world.original.tags).toEqual([]);

    expect(events.map((e) => e.type)).toEqual(["drill.started", "drill.passed"]);
    expect(events[0]).toMatchObject({
      snapshot: newer,
      region: "fra1",
      sizeSlug: "s-1vcpu-1gb",
      hourlyPriceUsd: 0.00893,
    });
    // The host key's private half went into the create call only: no event, step result or result holds it.
    const elsewhere = JSON.stringify({ events, results, result });
    expect(elsewhere).not.toContain(SENTINEL);
    expect(create.userData).toContain(SENTINEL);
  });

  it("refuses a size above drill.maxHourlyPrice and creates nothing", async () => {
    const { result, events, world } = await drill({ drill: { maxHourlyPrice: 0.005 } });
    expect(result.passed).toBe(false);
    expect(result.drills[0]?.error).toMatch(/above drill\.maxHourlyPrice \(\$0\.005\)/);
    expect(world.calls.map((c) => c.method)).not.toContain("createDropletFromSnapshot");
    expect(events.map((e) => e.type)).toEqual(["drill.failed"]);
  });

  it("destroys the scratch droplet when SSH never answers with the pinned key", async () => {
    const { result, events, world } = await drill({ shell: { answers: false } });
    expect(result.drills[0]).toMatchObject({ passed: false, destroyed: true });
    expect(result.drills[0]?.error).toContain("did not answer SSH with its pinned host key");
    expect(result.drills[0]?.checks[0]).toMatchObject({
      passed: false,
      detail: "no answer within 60 s: connection refused",
    });
    expect([...world.droplets.keys()]).toEqual([world.original.id]);
    expect(events.at(-1)).toMatchObject({ type: "drill.failed", destroyed: true });
  });

  it("destroys a scratch droplet that never becomes active", async () => {
    const { result, world } = await drill({ createdStatus: "off" });
    expect(result.drills[0]?.error).toMatch(/did not become active within 120 s \(last status off\)/);
    expect([...world.droplets.keys()]).toEqual([world.original.id]);
  });

  it("fails on a check that fails, and reports the others", async () => {
    const { result, events } = await drill({
      drill: { checks: [{ command: "true" }, { command: "false" }] },
      shell: { checkFails: "false" },
    });
    expect(result.drills[0]).toMatchObject({ passed: false, destroyed: true, error: "failed: check false" });
    expect(result.drills[0]?.restoreSeconds).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: "drill.failed", error: "failed: check false" });
  });

  describe("volume restore: downloaded by the scratch droplet, outbound open only while its containers are stopped", () => {
    const restoring = { restoreVolumes: true, checks: [{ command: "true" }] };
    const order = (calls: Array<{ method: string }>) =>
      calls
        .map((c) => c.method)
        .filter(
          (m) => /^shell\.(stop|restore|start|runChecks)|Firewall$|^listFirewalls$/.test(m) && m !== "ensureFirewall",
        );

    it("stops the containers, opens egress for this droplet alone, restores, closes it, then starts them", async () => {
      const { result, world, events, results } = await drill({ drill: restoring });
      expect(result.passed).toBe(true);
      expect(order(world.calls)).toEqual([
        "shell.stopContainers",
        "createDropletFirewall",
        "shell.restoreVolumes",
        "listFirewalls",
        "deleteFirewall",
        "shell.startContainers",
        "shell.runChecks",
      ]);
      const scratchId = result.drills[0]?.scratch?.id;
      const opened = world.calls.find((c) => c.method === "createDropletFirewall")?.args[0];
      expect(opened).toEqual({
        name: `${DRILL_EGRESS_FIREWALL_PREFIX}${scratchId}`,
        dropletIds: [scratchId],
        outbound: [
          { protocol: "tcp", port: 53 },
          { protocol: "tcp", port: 443 },
          { protocol: "udp", port: 53 },
        ],
      });
      expect(world.dropletFirewalls.size).toBe(0);
      // The drill-tag firewall stays shut: egress is a firewall of its own on the droplet's id.
      expect(world.firewall()?.outboundTcpPorts).toEqual([]);
      // The URLs reach the restore call only: no step result, event or result holds one.
      const restore = world.calls.find((c) => c.method === "shell.restoreVolumes");
      expect(JSON.stringify(restore?.args[2])).toContain(URL_SENTINEL);
      expect(restore?.args[2]).toMatchObject({ withinSeconds: 900 });
      expect(JSON.stringify({ events, results, result })).not.toContain("URL-SENTINEL");
    });

    it("restores each volume in steps of its own, egress open and a URL made for that volume alone", async () => {
      const second = {
        ...BACKUP.volumes[0]!,
        volume: "gitlab-config",
        key: "runs/gitlab/x/volumes/gitlab-config.tar.zst",
      };
      const { result, world, stepNames } = await drill({
        drill: restoring,
        backup: { ...BACKUP, volumes: [...BACKUP.volumes, second] },
      });
      expect(result.passed).toBe(true);
      // A step lasts one invocation (Lambda's 15 minutes): one per volume bounds it by one download, not the sum.
      expect(order(world.calls)).toEqual([
        "shell.stopContainers",
        "createDropletFirewall",
        "shell.restoreVolumes",
        "listFirewalls",
        "deleteFirewall",
        "createDropletFirewall",
        "shell.restoreVolumes",
        "listFirewalls",
        "deleteFirewall",
        "shell.startContainers",
        "shell.runChecks",
      ]);
      const restores = world.calls.filter((c) => c.method === "shell.restoreVolumes");
      expect(restores.map((c) => (c.args[1] as DrillVolume[]).map((v) => v.volume))).toEqual([
        ["gitlab-data"],
        ["gitlab-config"],
      ]);
      expect(restores.map((c) => Object.keys((c.args[2] as ArchiveDownloadUrls).byKey))).toEqual([
        [BACKUP.volumes[0]?.key],
        [second.key],
      ]);
      expect(stepNames.filter((n) => /volume/.test(n))).toEqual([
        "open egress for volume gitlab-data (1 of 2)",
        "restore volume gitlab-data (1 of 2)",
        "close egress for volume gitlab-data (1 of 2)",
        "open egress for volume gitlab-config (2 of 2)",
        "restore volume gitlab-config (2 of 2)",
        "close egress for volume gitlab-config (2 of 2)",
      ]);
      expect(result.drills[0]?.checks.filter((c) => c.name.startsWith("volume ")).map((c) => c.name)).toEqual([
        "volume gitlab-data",
        "volume gitlab-config",
      ]);
      expect(world.dropletFirewalls.size).toBe(0);
    });

    it("restores a local store's volumes in steps of their own too", async () => {
      const second = {
        ...BACKUP.volumes[0]!,
        volume: "gitlab-config",
        key: "runs/gitlab/x/volumes/gitlab-config.tar.zst",
      };
      const { result, world, stepNames } = await drill({
        drill: restoring,
        localStore: true,
        backup: { ...BACKUP, volumes: [...BACKUP.volumes, second] },
      });
      expect(result.passed).toBe(true);
      const restores = world.calls.filter((c) => c.method === "shell.restoreVolumes");
      expect(restores.map((c) => (c.args[1] as DrillVolume[]).length)).toEqual([1, 1]);
      expect(stepNames.filter((n) => /^restore volume/.test(n))).toEqual([
        "restore volume gitlab-data (1 of 2)",
        "restore volume gitlab-config (2 of 2)",
      ]);
    });

    it("closes egress when the restore fails, and then starts no container", async () => {
      const { result, world } = await drill({ drill: restoring, shell: { restoreThrows: true } });
      expect(result.drills[0]).toMatchObject({
        passed: false,
        destroyed: true,
        error: "the SSH connection to 198.51.100.9 dropped",
      });
      expect(order(world.calls)).toEqual([
        "shell.stopContainers",
        "createDropletFirewall",
        "shell.restoreVolumes",
        "listFirewalls",
        "deleteFirewall",
      ]);
      expect(world.dropletFirewalls.size).toBe(0);
    });

    it("closes every egress firewall of its name when a retried open made two, before the containers start", async () => {
      const { result, world } = await drill({ drill: restoring, openAnswerLost: true });
      expect(result.passed).toBe(true);
      expect(world.calls.filter((c) => c.method === "createDropletFirewall")).toHaveLength(2);
      // Nothing of the drill's egress is left when its containers start.
      const start = world.calls.findIndex((c) => c.method === "shell.startContainers");
      const deleted = world.calls.slice(0, start).filter((c) => c.method === "deleteFirewall");
      expect(deleted).toHaveLength(2);
      expect(world.dropletFirewalls.size).toBe(0);
    });

    it("starts no container while egress could not be closed; the droplet is destroyed all the same", async () => {
      const { result, world } = await drill({ drill: restoring, closeFails: true });
      expect(result.drills[0]).toMatchObject({ passed: false, destroyed: true });
      expect(result.drills[0]?.error).toContain("HTTP 500");
      expect(world.calls.map((c) => c.method)).not.toContain("shell.startContainers");
      expect([...world.droplets.keys()]).toEqual([world.original.id]);
    });

    it("opens nothing when a container cannot be stopped, and says why the volume was not restored", async () => {
      const { result, world } = await drill({ drill: restoring, shell: { stopFails: true } });
      expect(order(world.calls)).toEqual(["shell.stopContainers", "shell.startContainers", "shell.runChecks"]);
      expect(result.drills[0]?.checks.find((c) => c.name === "volume gitlab-data")).toEqual({
        name: "volume gitlab-data",
        passed: false,
        detail:
          "not restored: the scratch droplet's containers could not all be stopped, so no outbound traffic was opened for the download (still running after docker stop: gitlab)",
      });
    });

    it("opens nothing for a local store: its archives come over SSH", async () => {
      const { result, world } = await drill({ drill: restoring, localStore: true });
      expect(result.passed).toBe(true);
      expect(order(world.calls)).toEqual([
        "shell.stopContainers",
        "shell.restoreVolumes",
        "shell.startContainers",
        "shell.runChecks",
      ]);
      expect(world.calls.find((c) => c.method === "shell.restoreVolumes")?.args[2]).toBeUndefined();
    });
  });

  it("with keep, leaves the scratch droplet and says how to destroy it", async () => {
    const { result, world } = await drill({ keep: true });
    const kept = result.drills[0];
    expect(kept).toMatchObject({ passed: true, destroyed: false });
    expect(kept?.keptNote).toContain(`doctl compute droplet delete ${kept?.scratch?.id}`);
    expect(world.droplets.size).toBe(2);
  });
});
