/**
 * The CLI with DigitalOcean Backups (#16 §1), its commands called in this process (a process
 * each would cost seconds apiece) against a sandbox, with no terminal, as from a script:
 * `list` shows them beside the snapshots, `keep` turns one into a kept snapshot, `restore
 * backup` makes a new droplet from one, and `--in-place` overwrites the droplet only when its
 * name is given as the confirmation (no terminal here: `--confirm`).
 */
import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { keepCommand } from "../../../packages/cli/src/commands/keep";
import { listCommand } from "../../../packages/cli/src/commands/list";
import { restoreBackupCommand } from "../../../packages/cli/src/commands/restore-backup";
import { sampleConfig, tempConfig } from "./temp-config";

const SPEED = 1000;
let sandbox: Sandbox;
let config: string;
let gitlab: number;
let older: number;
let newer: number;

beforeAll(async () => {
  sandbox = await startSandbox({ time: "real", speed: SPEED });
  gitlab = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 6, sizeSlug: "s-2vcpu-4gb" }).id;
  const now = sandbox.clock.now();
  older = sandbox.state.addBackup(gitlab, now - 8 * 86_400_000).id;
  newer = sandbox.state.addBackup(gitlab, now - 86_400_000).id;
  sandbox.state.addSnapshot(gitlab, "lifeboat-weekly-gitlab-20260101T030000Z", now - 2 * 86_400_000);
  config = tempConfig(
    sampleConfig(
      `[{ name: "weekly", schedule: "rate(7 days)", droplets: [{ name: "gitlab" }], snapshot: { approval: { required: false } } }]`,
    ),
  );
});
afterAll(() => sandbox.close());

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

type Options = { json: boolean } & Record<string, unknown>;

/** Runs one command as `lifeboat --config … --speed 1000 [--json] …` would, capturing its output. */
async function lifeboat(command: (global: Options & { config: string; speed: number }) => Promise<number>) {
  vi.stubEnv("DIGITALOCEAN_TOKEN", sandbox.token);
  vi.stubEnv("DIGITALOCEAN_ENDPOINT", sandbox.url);
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await command({ config, speed: SPEED, json: false });
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}
const json = { json: true };

const restoreActions = () => [...sandbox.state.actions.values()].filter((a) => a.type === "restore");

describe("lifeboat with DigitalOcean Backups", () => {
  it("keeps a backup, lists it as kept beside the backups and snapshots, and restores one as a new droplet", async () => {
    const kept = await lifeboat((g) => keepCommand(String(older), { ...g, ...json }));
    expect(kept.code, kept.stderr).toBe(0);
    const keptName = JSON.parse(kept.stdout).kept.name as string;
    expect(keptName).toMatch(/^kept-gitlab-\d{8}T\d{6}Z$/);

    const listed = await lifeboat((g) => listCommand("gitlab", { ...g, ...json }));
    expect(listed.code, listed.stderr).toBe(0);
    const [d] = JSON.parse(listed.stdout).droplets;
    expect(d.backups.map((b: { id: string; kind: string }) => [b.id, b.kind])).toEqual([[String(newer), "backup"]]);
    expect(d.snapshots.map((s: { name: string; kind: string; plan?: string }) => [s.name, s.kind, s.plan])).toEqual([
      ["lifeboat-weekly-gitlab-20260101T030000Z", "snapshot", "weekly"],
      [keptName, "kept", undefined],
    ]);

    const text = (await lifeboat((g) => listCommand("gitlab", g))).stdout;
    expect(text).toMatch(new RegExp(`${keptName}\\s+\\S+\\s+6 GB\\s+\\S+\\s+kept DO backup \\(never deleted\\)`));
    expect(text).toMatch(new RegExp(`gitlab \\d{4}-\\d{2}-\\d{2} \\(${newer}\\)\\s+\\S+\\s+6 GB\\s+backup`));

    const created = await lifeboat((g) => restoreBackupCommand(String(newer), { ...g, ...json, yes: true }));
    expect(created.code, created.stderr).toBe(0);
    const droplet = JSON.parse(created.stdout).droplet as { id: number; name: string; status: string };
    expect(droplet).toMatchObject({ name: "gitlab-restored", status: "active" });
    expect(sandbox.droplet(droplet.id)?.createdWith?.image).toBe(newer);
    expect(restoreActions()).toEqual([]); // the original was not touched
  });

  it("restores in place only with the droplet's name as confirmation; otherwise changes nothing and says how", async () => {
    const missing = await lifeboat((g) => restoreBackupCommand(String(newer), { ...g, inPlace: true }));
    const wrong = await lifeboat((g) =>
      restoreBackupCommand(String(newer), { ...g, inPlace: true, confirm: "gitlab-2" }),
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("overwrites gitlab and cannot be undone");
    expect(missing.stderr).toContain("run again with --confirm gitlab. Nothing was changed");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--confirm "gitlab-2" is not the droplet\'s name');
    expect(restoreActions()).toEqual([]);

    const done = await lifeboat((g) =>
      restoreBackupCommand(String(newer), { ...g, ...json, inPlace: true, confirm: "gitlab" }),
    );
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({
      ok: true,
      inPlace: true,
      droplet: { id: gitlab, status: "active" },
    });
    expect(restoreActions()).toHaveLength(1);
    expect(sandbox.droplet(gitlab)?.restoredFrom?.image).toBe(newer);
  });

  it("an unknown backup is exit 2, naming where it looked", async () => {
    const r = await lifeboat((g) => keepCommand("999999", g));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no DigitalOcean backup "999999" of the plans' droplets; \`lifeboat list\` shows them`);
  });
});
