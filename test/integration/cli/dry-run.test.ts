import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missingServices } from "../../harness/context";
import { type OwnDockerd, runVolumeContainerOn, startOwnDockerd } from "../../harness/own-dockerd";
import { isReadOnly, type RecordingSshd, startRecordingSshd } from "../../harness/recording-sshd";
import { type LiveCli, lifeboat, sandboxEnv, startLifeboat } from "../../unit/cli/cli-process";

const skip = missingServices("ssh", "docker");

describe.skipIf(skip)(`lifeboat run --dry-run${skip ? ` (skipped: ${skip})` : ""}`, () => {
  // An engine of its own: the test compares everything it holds before and after the dry run.
  let engine: OwnDockerd;
  const docker = (...args: string[]) => engine.docker(...args);
  let dir: string;
  let recording: RecordingSshd;
  let sandbox: LiveCli | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cli-dry-"));
    engine = await startOwnDockerd(join(dir, "d"));
    recording = await startRecordingSshd(dir, { DOCKER_HOST: engine.service.host });
    docker("volume", "create", "cli-dry-data");
    runVolumeContainerOn(engine, {
      name: "cli-dry",
      volume: "cli-dry-data",
      script: "head -c 300000 /dev/zero > /data/f && sleep 3600",
    });
  });
  afterAll(async () => {
    sandbox?.child.kill("SIGINT");
    await sandbox?.exit;
    await recording?.stop();
    await engine?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("sends the sandbox 0 write requests, runs only read-only commands on the droplet, and prints what a run would do", async () => {
    sandbox = startLifeboat(["--speed", "60", "--json", "sandbox"]);
    const { endpoint, token } = JSON.parse(await sandbox.line(/^\{/));
    const config = join(dir, "lifeboat.config.ts");
    await writeFile(
      config,
      `export default ${JSON.stringify({
        plans: [
          {
            name: "nightly",
            schedule: "cron(30 2 * * ? *)",
            droplets: [{ name: "ssh" }],
            snapshot: { approval: { required: true, approvers: ["U024BE7LH"] } },
            retention: { keepLast: 3 },
            containers: { include: ["cli-dry"], capture: "commit", stopDuringArchive: ["cli-dry"] },
            volumes: { include: ["cli-dry-data"], helperImage: engine.service.baseImage },
            hooks: { pre: [{ command: `touch ${join(dir, "pre-ran")}` }] },
          },
        ],
        ssh: {
          user: recording.ssh.user,
          port: recording.ssh.port,
          droplets: { ssh: { address: recording.ssh.host, hostKey: recording.ssh.hostKeyFingerprint } },
        },
        storage: { type: "local", directory: join(dir, "store") },
      })};\n`,
    );
    const state = () => ({
      containers: docker("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.Image}} {{.State}}"),
      volumes: docker("volume", "ls", "-q"),
      images: docker("images", "-a", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}"),
    });
    const before = state();
    const env = sandboxEnv({
      DIGITALOCEAN_ENDPOINT: endpoint,
      DIGITALOCEAN_TOKEN: token,
      SSH_PRIVATE_KEY_FILE: recording.ssh.privateKeyPath,
    });

    const r = lifeboat(["--speed", "60", "--json", "-c", config, "run", "nightly", "--dry-run"], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ dryRun: true, outcome: "succeeded" });
    expect(out.events.map((e: { type: string }) => e.type)).toEqual(["run.started", "run.finished"]);
    expect(out.droplets[0].preview.host).toMatchObject({
      reached: true,
      containers: [{ name: "cli-dry", running: true, bytes: expect.any(Number) }],
      volumes: [{ name: "cli-dry-data", usedBy: ["cli-dry"] }],
      stopped: ["cli-dry"],
    });
    expect(out.droplets[0].preview.host.volumes[0].bytes).toBeGreaterThanOrEqual(300_000);

    const text = lifeboat(["--speed", "60", "-c", config, "run", "nightly", "--dry-run"], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("nothing was changed");
    expect(text.stdout).toMatch(/\n {2}volume: cli-dry-data \(used by cli-dry\), 30\d kB\n/);
    expect(text.stdout).toMatch(/\n {2}pre hook \(not run in a dry run\): touch /);

    const commands = await recording.commands();
    expect(commands.length).toBeGreaterThan(0);
    expect(commands.filter((c) => !isReadOnly(c))).toEqual([]);
    expect(state()).toEqual(before);
    expect(existsSync(join(dir, "pre-ran"))).toBe(false);
    expect(existsSync(join(dir, "store", "runs"))).toBe(false);

    sandbox.child.kill("SIGINT");
    await sandbox.exit;
    const stopped = sandbox.stderr();
    sandbox = undefined;
    expect(stopped).toMatch(/droplets at the end: .*ssh active.*; \d+ requests, 0 writes \(POST\/PUT\/PATCH\/DELETE\)/);
  }, 120_000);
});
