/**
 * README "Restoring by hand, without lifeboat", run as written: the shell blocks are read from
 * README.md itself and every line runs with bash (`-euo pipefail`) against what lifeboat
 * really stored — a run in the harness's S3 server (a volume, a "commit" image, an "export"
 * image, the manifest) and a duplicity backup there — with the harness's Docker engine,
 * zstd, tar, sha256sum, gpg, duplicity and the aws CLI. Only `doctl` lines are not run: doctl
 * is not installed here (checked), as the README says next to them.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { archiveVolumes, captureImages, inventory, type RemoteSession, runDuplicity } from "@lifeboat/remote";
import { runWriter, S3Sink, writeManifest } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, harnessDocker, missingServices, runVolumeContainer } from "../harness/context";
import { run } from "../harness/process";
import { root } from "../unit/cli/cli-process";
import { openSession } from "./remote/session";

/** The README's `<!-- by-hand: NAME -->` shell blocks, by name, each as its lines. */
function readmeBlocks(text: string): Record<string, string[]> {
  const blocks: Record<string, string[]> = {};
  for (const m of text.matchAll(/<!-- by-hand: ([\w-]+) -->\n```sh\n([\s\S]*?)```/g)) {
    blocks[m[1]!] = m[2]!.split("\n").filter((l) => l.trim() !== "");
  }
  return blocks;
}

const onPath = (tool: string) => spawnSync("bash", ["-c", `command -v ${tool}`]).status === 0;

const skip = missingServices("ssh", "docker", "s3", "duplicity");

describe.skipIf(skip)(`README: restoring by hand, every line run${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const h = harness();
  const tag = (s: string) => `lifeboat-test/by-hand-${process.pid}:${s}`;
  const name = (s: string) => `by-hand-${s}-${process.pid}`;
  const [volume, committed, exported] = [name("data"), name("app"), name("flat")];
  const prefix = `byhand-${process.pid}/`;
  const runId = "nightly-20261129T030000Z";
  const secretAccessKey = `secret-${randomBytes(8).toString("hex")}`;
  let blocks: Record<string, string[]>;
  let session: RemoteSession;
  let dir: string;
  let work: string;
  let settings: Record<string, string>;
  let manifest: {
    volumes: Array<{ volume: string; sha256: string }>;
    containers: Array<{ container: string; image: string; capturedImageId?: string }>;
  };
  const dockerEnv = () => ({ ...process.env, DOCKER_HOST: h.docker!.host });
  const docker = harnessDocker;

  /** Runs a README block's lines in `work`, as a person would, with the settings filled in. */
  const runBlock = (block: string, extra: Record<string, string> = {}) => {
    const lines = blocks[block]!.filter((l) => !l.startsWith("doctl "));
    const r = spawnSync("bash", ["-euo", "pipefail", "-c", lines.join("\n")], {
      cwd: work,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        HOME: join(dir, "home"),
        DOCKER_HOST: h.docker!.host,
        GNUPGHOME: join(dir, "gnupg"),
        AWS_ACCESS_KEY_ID: h.s3!.accessKeyId,
        AWS_SECRET_ACCESS_KEY: secretAccessKey,
        ...settings,
        ...extra,
      },
      timeout: 120_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(async () => {
    blocks = readmeBlocks(await readFile(join(root, "README.md"), "utf8"));
    dir = await mkdtemp(join(tmpdir(), "lifeboat-by-hand-"));
    work = join(dir, "work");
    await mkdir(work);
    await mkdir(join(dir, "home"));
    await mkdir(join(dir, "gnupg"), { mode: 0o700 });
    session = await openSession();

    // What lifeboat stores: a volume, a committed image and an exported one, then the manifest.
    docker("tag", h.docker!.baseImage, tag("1"));
    docker("volume", "create", volume);
    runVolumeContainer({
      name: committed,
      volume: volume,
      image: tag("1"),
      script: "echo kept > /data/file && sleep 3600",
    });
    docker("create", "--name", exported, tag("1"), "sh");
    const sink = new S3Sink({
      bucket: h.s3!.bucket,
      region: h.s3!.region,
      endpoint: h.s3!.endpoint,
      prefix,
      forcePathStyle: true,
      checksums: "WHEN_REQUIRED",
      credentials: { accessKeyId: h.s3!.accessKeyId, secretAccessKey },
    });
    const writer = runWriter(sink, { droplet: "harness", runId });
    const found = await inventory(session);
    const container = (n: string) => found.containers.find((c) => c.name === n)!;
    const commit = await captureImages(session, writer, {
      containers: [container(committed)],
      mode: "commit",
      compression: "zstd",
    });
    const flat = await captureImages(session, writer, {
      containers: [container(exported)],
      mode: "export",
      compression: "zstd",
    });
    const volumes = await archiveVolumes(session, writer, {
      volumes: [found.volumes.find((v) => v.name === volume)!],
      containers: found.containers,
      helperImage: h.docker!.baseImage,
      compression: "zstd",
    });
    expect([...commit.failed, ...flat.failed, ...volumes.failed]).toEqual([]);
    await writeManifest(sink, {
      runId,
      plan: "nightly",
      droplet: "harness",
      createdAt: new Date().toISOString(),
      containers: [...commit.stored, ...flat.stored],
      volumes: volumes.stored,
    });
    // The droplet lost it all: the container, its volume, the image's name.
    docker("rm", "-f", committed, exported);
    docker("volume", "rm", volume);
    docker("image", "rm", tag("1"));

    // A duplicity backup where `lifeboat run` puts it: <prefix>duplicity/<droplet>.
    const src = join(dir, "srv", "app");
    await mkdir(join(src, "conf"), { recursive: true });
    await writeFile(join(src, "conf", "app.yml"), "port: 8080\n");
    await runDuplicity(session, {
      paths: [src],
      target: {
        bucket: h.s3!.bucket,
        prefix: `${prefix}duplicity/harness`,
        endpoint: h.s3!.endpoint,
        region: h.s3!.region,
      },
      credentials: { accessKeyId: h.s3!.accessKeyId, secretAccessKey },
      encryption: {
        type: "gpg",
        fingerprint: h.duplicity!.gpg.fingerprint,
        publicKeyArmored: h.duplicity!.gpg.publicKeyArmored,
      },
      fullEverySeconds: 86_400,
      keepFull: 1,
      cache: { archiveDir: join(dir, "dup-cache") },
    });
    await writeFile(
      join(work, "secret-key.asc"),
      await run("gpg", ["--homedir", h.duplicity!.gpg.home, "--batch", "--armor", "--export-secret-keys"]),
    );

    const entry = commit.stored[0]!;
    settings = {
      BUCKET: h.s3!.bucket,
      PREFIX: prefix,
      REGION: h.s3!.region,
      ENDPOINT: h.s3!.endpoint,
      DROPLET: "harness",
      RUN: runId,
      VOLUME: volume,
      SHA256: volumes.stored[0]!.sha256,
      CONTAINER: committed,
      IMAGE: entry.image,
      CAPTURED_IMAGE_ID: entry.capturedImageId!,
      HELPER: h.docker!.baseImage,
      RESTORE_PATH: src.replace(/^\//, ""),
      SNAPSHOT_ID: "not-used-doctl-is-not-run",
    };
  }, 300_000);

  afterAll(async () => {
    for (const args of [
      ["rm", "-f", committed, exported],
      ["volume", "rm", "-f", volume, `${volume}-restored`],
      ["image", "rm", tag("1"), tag("flat"), settings?.CAPTURED_IMAGE_ID ?? "none"],
    ]) {
      spawnSync("docker", args, { env: dockerEnv() });
    }
    spawnSync("gpgconf", ["--homedir", join(dir, "gnupg"), "--kill", "all"]);
    session?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("the settings block names exactly the values the other blocks use", () => {
    const assigned = blocks.settings!.flatMap((l) =>
      [...l.replace(/#.*$/, "").matchAll(/([A-Z0-9_]+)=/g)].map((m) => m[1]!),
    );
    expect(assigned.sort()).toEqual(Object.keys(settings).sort());
    expect(Object.keys(blocks).sort()).toEqual(
      ["duplicity", "fetch", "image-commit", "image-export", "settings", "snapshot", "volume"].sort(),
    );
  });

  it("fetch: aws s3 cp brings the run; sha256sum -c passes it, and fails a wrong sum", async () => {
    expect(onPath("aws"), "the aws CLI is not installed: pip install awscli").toBe(true);
    const r = runBlock("fetch");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`volumes/${volume}.tar.zst: OK`);
    manifest = JSON.parse(await readFile(join(work, "manifest.json"), "utf8"));
    expect(manifest.volumes[0]!.volume).toBe(volume);
    const wrong = runBlock("fetch", { SHA256: "0".repeat(64) });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout + wrong.stderr).toContain("FAILED");
  });

  it("volume: zstd, tar and docker give back the files, in a volume and as plain files", async () => {
    const r = runBlock("volume");
    expect(r.code, r.stderr).toBe(0);
    expect(docker("run", "--rm", "-v", `${volume}-restored:/data`, h.docker!.baseImage, "cat", "/data/file")).toBe(
      "kept",
    );
    expect(await readFile(join(work, `${volume}-files`, "file"), "utf8")).toBe("kept\n");
  });

  it('image, mode "commit": docker load + docker tag bring back the image under its name', () => {
    const r = runBlock("image-commit");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Loaded image ID: ${settings.CAPTURED_IMAGE_ID}`);
    expect(docker("image", "inspect", "-f", "{{.Id}}", tag("1"))).toBe(settings.CAPTURED_IMAGE_ID);
  });

  it('image, mode "export": docker import makes an image of the filesystem', () => {
    const r = runBlock("image-export", { CONTAINER: exported, IMAGE: tag("flat") });
    expect(r.code, r.stderr).toBe(0);
    expect(docker("run", "--rm", tag("flat"), "cat", "/etc/passwd")).toContain("root:x:0:0");
  });

  it("duplicity: the GPG secret key and the S3 endpoint restore the path", async () => {
    const r = runBlock("duplicity");
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(work, "restored", "conf", "app.yml"), "utf8")).toBe("port: 8080\n");
  });

  it("snapshot: only the doctl lines are not run, because doctl is not installed here", () => {
    expect(onPath("doctl"), "doctl is installed now: run these lines against `lifeboat sandbox`").toBe(false);
    expect(blocks.snapshot!.every((l) => l.startsWith("doctl "))).toBe(true);
    const untried = Object.entries(blocks)
      .filter(([block]) => block !== "settings")
      .flatMap(([, lines]) => lines.filter((l) => !onPath(l.split(" ")[0]!) && !/^[A-Z_]+=/.test(l)));
    expect(untried).toEqual(blocks.snapshot);
  });
});
