import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, harnessDocker, missingServices, runVolumeContainer } from "../../harness/context";
import { type LiveCli, lifeboat, sandboxEnv, startLifeboat } from "../../unit/cli/cli-process";

const skip = missingServices("ssh", "docker");

describe.skipIf(skip)(`lifeboat run with SSH phases${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const h = harness();
  const docker = harnessDocker;
  let dir: string;
  let sandbox: LiveCli;
  let config: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cli-ssh-"));
    docker("volume", "create", "cli-app-data");
    runVolumeContainer({
      name: "cli-app",
      volume: "cli-app-data",
      image: h.docker!.baseImage,
      script: "echo kept > /data/file && sleep 3600",
    });
  });
  afterAll(async () => {
    sandbox?.child.kill("SIGINT");
    await sandbox?.exit;
    docker("rm", "-f", "cli-app");
    docker("volume", "rm", "-f", "cli-app-data", "cli-app-data-restored");
    await rm(dir, { recursive: true, force: true });
  });

  it("archives the container's image and volume with a manifest, and leaves it running", async () => {
    sandbox = startLifeboat(["--speed", "60", "--json", "sandbox"]);
    const { endpoint, token } = JSON.parse(await sandbox.line(/^\{/));
    config = join(dir, "lifeboat.config.ts");
    await writeFile(
      config,
      `export default ${JSON.stringify({
        plans: [
          {
            name: "nightly",
            schedule: "cron(30 2 * * ? *)",
            droplets: [{ name: "ssh" }],
            snapshot: { mode: "none" },
            retention: { keepLast: 3 },
            containers: { include: ["cli-app"], capture: "commit" },
            volumes: { include: ["cli-app-data"], helperImage: h.docker!.baseImage },
          },
        ],
        ssh: {
          user: h.ssh!.user,
          port: h.ssh!.port,
          droplets: { ssh: { address: h.ssh!.host, hostKey: h.ssh!.hostKeyFingerprint } },
        },
        storage: { type: "local", directory: join(dir, "store") },
      })};\n`,
    );
    env = sandboxEnv({
      DIGITALOCEAN_ENDPOINT: endpoint,
      DIGITALOCEAN_TOKEN: token,
      SSH_PRIVATE_KEY_FILE: h.ssh!.privateKeyPath,
    });
    const r = lifeboat(["--speed", "60", "--json", "-c", config, "run", "nightly"], env);
    expect(r.stderr).not.toContain(token);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const stored = out.events.filter((e: { type: string }) => e.type === "archive.stored");
    expect(stored.map((e: { kind: string; name: string }) => `${e.kind}:${e.name}`).sort()).toEqual([
      "image:cli-app",
      "manifest:manifest.json",
      "volume:cli-app-data",
    ]);

    const runs = await readdir(join(dir, "store", "runs", "ssh"));
    expect(runs).toHaveLength(1);
    const manifest = JSON.parse(await readFile(join(dir, "store", "runs", "ssh", runs[0]!, "manifest.json"), "utf8"));
    expect(manifest.volumes[0]).toMatchObject({ volume: "cli-app-data", container: "cli-app", mountPath: "/data" });
    expect(
      existsSync(join(dir, "store", "runs", "ssh", runs[0]!, manifest.volumes[0].key.split("/").slice(3).join("/"))),
    ).toBe(true);
    expect(docker("inspect", "-f", "{{.State.Running}}", "cli-app")).toBe("true");
  }, 120_000);

  // The harness's dockerd reaches no registry: busybox:1.36 is not there, the plan's image is.
  it("restores the volume with the helper image of the plan that archived it", async () => {
    const [run] = await readdir(join(dir, "store", "runs", "ssh"));
    const r = lifeboat(["--json", "-c", config, "restore", "volume", "ssh", run!, "cli-app-data"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, volume: "cli-app-data-restored", created: true });
    const file = docker("run", "--rm", "-v", "cli-app-data-restored:/data", h.docker!.baseImage, "cat", "/data/file");
    expect(file).toBe("kept");
  }, 120_000);
});
