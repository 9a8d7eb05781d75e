/**
 * `lifeboat restore …` as a person runs it: the CLI as a child process; archives made by a
 * real `lifeboat run` over the harness's sshd and dockerd; droplets from snapshots in a
 * `lifeboat sandbox`; duplicity against the harness's S3 server and GPG key.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DigitalOceanClient, type DigitalOceanError } from "@lifeboat/digitalocean";
import { type RemoteSession, runDuplicity } from "@lifeboat/remote";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, harnessDocker, missingServices, runVolumeContainer } from "../../harness/context";
import { run } from "../../harness/process";
import { type LiveCli, lifeboat, root, sandboxEnv, startLifeboat } from "../../unit/cli/cli-process";
import { openSession } from "../remote/session";

const h = harness();
const docker = harnessDocker;
const sshEntry = () => ({
  user: h.ssh!.user,
  port: h.ssh!.port,
  droplets: { ssh: { address: h.ssh!.host, hostKey: h.ssh!.hostKeyFingerprint } },
});

const skipArchives = missingServices("ssh", "docker");
describe.skipIf(skipArchives)(
  `lifeboat restore volume|image${skipArchives ? ` (skipped: ${skipArchives})` : ""}`,
  () => {
    const tag = `lifeboat-test/cli-restore-${process.pid}:1`;
    const app = `cli-restore-app-${process.pid}`;
    const data = `cli-restore-data-${process.pid}`;
    let dir: string;
    let config: string;
    let runId: string;
    const env = () => sandboxEnv({ SSH_PRIVATE_KEY_FILE: h.ssh!.privateKeyPath });

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "cli-restore-"));
      docker("tag", h.docker!.baseImage, tag);
      docker("volume", "create", data);
      runVolumeContainer({ name: app, volume: data, image: tag, script: "echo kept > /data/file && sleep 3600" });
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
              containers: { include: [app], capture: "commit" },
              // The only image with tar here: the registry default (busybox:1.36) cannot be pulled.
              volumes: { include: [data], helperImage: h.docker!.baseImage },
            },
          ],
          ssh: sshEntry(),
          storage: { type: "local", directory: join(dir, "store") },
        })};\n`,
      );
      const r = lifeboat(["--json", "-c", config, "run", "nightly"], env());
      expect(r.code, r.stderr).toBe(0);
      const runs = await readdir(join(dir, "store", "runs", "ssh"));
      expect(runs).toHaveLength(1);
      runId = runs[0]!;
      // The name goes, the image stays (the base image's tag still holds it): a restore must bring the name back.
      docker("rm", "-f", app);
      docker("image", "rm", tag);
    }, 240_000);

    afterAll(async () => {
      spawnSync("docker", ["rm", "-f", app], { env: { ...process.env, DOCKER_HOST: h.docker!.host } });
      for (const v of [data, `${data}-restored`]) {
        spawnSync("docker", ["volume", "rm", "-f", v], { env: { ...process.env, DOCKER_HOST: h.docker!.host } });
      }
      spawnSync("docker", ["image", "rm", tag], { env: { ...process.env, DOCKER_HOST: h.docker!.host } });
      await rm(dir, { recursive: true, force: true });
    });

    it("restores a volume with the plan's helper image and says so in a sentence", () => {
      const r = lifeboat(["-c", config, "restore", "volume", "ssh", runId, data], env());
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(
        `Restored volume ${data} from run ${runId} of ssh into new volume ${data}-restored on ssh (sha256 checked). It was mounted at /data in container ${app} (image ${tag}).`,
      );
      expect(r.stdout).not.toContain("{");
      const file = docker("run", "--rm", "-v", `${data}-restored:/data`, h.docker!.baseImage, "cat", "/data/file");
      expect(file).toBe("kept");
    });

    it("loads the image under its original repo:tag; --json keeps the object", () => {
      const text = lifeboat(["-c", config, "restore", "image", "ssh", runId, app], env());
      expect(text.code, text.stderr).toBe(0);
      const id = docker("image", "inspect", "-f", "{{.Id}}", tag);
      expect(text.stdout).toContain(
        `Restored the image of container ${app} from run ${runId} of ssh onto ssh, loaded (docker load) as ${tag} (image ${id}) (sha256 checked).`,
      );
      expect(id).not.toBe(docker("image", "inspect", "-f", "{{.Id}}", h.docker!.baseImage));

      const json = lifeboat(["--json", "-c", config, "restore", "image", "ssh", runId, app], env());
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, target: "ssh", imageId: id, tagged: tag });
    });

    it("refuses a --tag docker cannot tag with, before touching the droplet", () => {
      const r = lifeboat(["-c", config, "restore", "image", "ssh", runId, app, "--tag", "Bad Name"], env());
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--tag "Bad Name" is refused');
    });
  },
);

describe("lifeboat restore snapshot (against `lifeboat sandbox`)", () => {
  let sandbox: LiveCli;
  let endpoint: string;
  let token: string;
  let snapshot: string;
  // The real client (retries included): what the test reads is the sandbox's state, not a flaky socket.
  let api: DigitalOceanClient;
  const named = async (name: string) =>
    api.findDroplets({ name }).catch((e: DigitalOceanError) => (e.status === 404 ? [] : Promise.reject(e)));
  const env = () => sandboxEnv({ DIGITALOCEAN_ENDPOINT: endpoint, DIGITALOCEAN_TOKEN: token });
  const args = (...rest: string[]) => ["--speed", "60", "restore", "snapshot", snapshot, ...rest];

  beforeAll(async () => {
    sandbox = startLifeboat(["--speed", "60", "--json", "sandbox"]);
    ({ endpoint, token } = JSON.parse(await sandbox.line(/^\{/)));
    api = new DigitalOceanClient({ token, endpoint });
    snapshot = (await api.listSnapshots()).find((s) => s.name.includes("-gitlab-"))!.name;
  });
  afterAll(async () => {
    sandbox?.child.kill("SIGINT");
    await sandbox?.exit;
  });

  it("without a terminal and without --yes: refuses, saying so, and creates nothing", async () => {
    const r = lifeboat(args(), env());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is billed until you destroy it, and there is no terminal to ask; run again with --yes");
    expect(await named("gitlab-restored")).toEqual([]);
  });

  it("refuses a name that is taken, even with --yes", async () => {
    const r = lifeboat(args("--name", "drone", "--yes"), env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a droplet named drone already exists \(id \d+\); choose another name with --name/);
    expect(await named("drone")).toHaveLength(1);
  });

  it("asks on a terminal: no creates nothing, yes creates it", async () => {
    // `script` gives the CLI a real pseudo-terminal; the answer is typed into it.
    const onTerminal = (answer: string, name: string) => {
      const command = [process.execPath, join(root, "packages/cli/bin/lifeboat.mjs"), ...args("--name", name)]
        .map((a) => `'${a}'`)
        .join(" ");
      return spawnSync("script", ["-qec", command, "/dev/null"], {
        cwd: root,
        env: env(),
        input: `${answer}\n`,
        encoding: "utf8",
        timeout: 120_000,
      });
    };
    const no = onTerminal("n", "asked-no");
    expect(no.stdout).toContain("Create droplet asked-no (");
    expect(no.stdout).toContain("It is billed until you destroy it. [y/N]");
    expect(no.stdout).toContain("Nothing was created.");
    expect(no.status).toBe(1);
    expect(await named("asked-no")).toEqual([]);

    const yes = onTerminal("y", "asked-yes");
    expect(yes.status, yes.stdout).toBe(0);
    expect((await named("asked-yes")).map((d) => d.status)).toEqual(["active"]);
  });

  it("with --yes: creates the droplet, waits until it is active and prints its address", async () => {
    const r = lifeboat(args("--yes"), env());
    expect(r.code, r.stderr).toBe(0);
    const [droplet, ...more] = await named("gitlab-restored");
    expect(more).toEqual([]);
    expect(droplet!.status).toBe("active");
    expect(r.stdout).toMatch(
      new RegExp(
        `Droplet gitlab-restored \\(id ${droplet!.id}\\) is active at \\d+\\.\\d+\\.\\d+\\.\\d+, restored from ${snapshot}\\.`,
      ),
    );
    // A second time: the name is taken now.
    const again = lifeboat(args("--yes"), env());
    expect(again.code).toBe(2);
    expect(await named("gitlab-restored")).toHaveLength(1);
  });
});

const skipDuplicity = missingServices("ssh", "s3", "duplicity");
describe.skipIf(skipDuplicity)(
  `lifeboat restore duplicity${skipDuplicity ? ` (skipped: ${skipDuplicity})` : ""}`,
  () => {
    let dir: string;
    let session: RemoteSession;
    let config: string;
    let env: NodeJS.ProcessEnv;
    const secretAccessKey = `secret-${randomBytes(8).toString("hex")}`;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "cli-restore-dup-"));
      session = await openSession();
      const src = join(dir, "srv", "app");
      await mkdir(join(src, "conf"), { recursive: true });
      await writeFile(join(src, "conf", "app.yml"), "port: 8080\n");
      await writeFile(join(src, "data.bin"), randomBytes(50_000));
      const s3 = h.s3!;
      // What `lifeboat run` writes for droplet "ssh" with this storage: <prefix>duplicity/<droplet>.
      await runDuplicity(session, {
        paths: [join(dir, "srv")],
        target: { bucket: s3.bucket, prefix: "cli/duplicity/ssh", endpoint: s3.endpoint, region: s3.region },
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey },
        encryption: {
          type: "gpg",
          fingerprint: h.duplicity!.gpg.fingerprint,
          publicKeyArmored: h.duplicity!.gpg.publicKeyArmored,
        },
        fullEverySeconds: 86_400,
        keepFull: 1,
      });
      const secretKey = join(dir, "secret.asc");
      await writeFile(
        secretKey,
        await run("gpg", ["--homedir", h.duplicity!.gpg.home, "--batch", "--armor", "--export-secret-keys"]),
      );
      config = join(dir, "lifeboat.config.ts");
      await writeFile(
        config,
        `export default ${JSON.stringify({
          plans: [
            {
              name: "files",
              schedule: "cron(0 3 * * ? *)",
              droplets: [{ name: "ssh" }],
              snapshot: { mode: "none" },
              duplicity: {
                paths: [join(dir, "srv")],
                encryption: { type: "gpg", keyFingerprint: h.duplicity!.gpg.fingerprint },
              },
            },
          ],
          ssh: sshEntry(),
          storage: { type: "s3", bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, prefix: "cli/" },
        })};\n`,
      );
      env = sandboxEnv({
        SSH_PRIVATE_KEY_FILE: h.ssh!.privateKeyPath,
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: secretAccessKey,
        DUPLICITY_GPG_SECRET_KEY_FILE: secretKey,
      });
    }, 240_000);

    afterAll(async () => {
      session?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it("restores a path of the backup into a new directory with the plan's settings", async () => {
      const into = join(dir, "restored");
      const r = lifeboat(["-c", config, "restore", "duplicity", "ssh", join(dir, "srv", "app"), into], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(
        `Restored ${join(dir, "srv", "app")} from ssh's duplicity backup (latest, plan files) into ${into} on ssh.`,
      );
      expect(await readFile(join(into, "conf", "app.yml"), "utf8")).toBe("port: 8080\n");
      expect(await readFile(join(into, "data.bin"))).toEqual(await readFile(join(dir, "srv", "app", "data.bin")));
      expect(r.stdout + r.stderr).not.toContain(secretAccessKey);
    });

    it("names the secret to set when the GPG secret key is missing, and restores nothing", async () => {
      const into = join(dir, "never");
      const { DUPLICITY_GPG_SECRET_KEY_FILE: _, ...without } = env;
      const r = lifeboat(["-c", config, "restore", "duplicity", "ssh", join(dir, "srv", "app"), into], without);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`set DUPLICITY_GPG_SECRET_KEY (or DUPLICITY_GPG_SECRET_KEY_FILE, its path)`);
      await expect(readdir(into)).rejects.toThrow(/ENOENT/);
    });
  },
);
