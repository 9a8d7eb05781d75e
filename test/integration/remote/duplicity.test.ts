import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  DuplicityMissingError,
  RemoteCommandError,
  type RemoteSession,
  restoreDuplicity,
  runDuplicity,
} from "@lifeboat/remote";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, missingServices } from "../../harness/context";
import { run } from "../../harness/process";
import { openSession } from "./session";

const skip = missingServices("ssh", "s3", "duplicity");

/** Every file under `root` with its mode and content hash. */
async function tree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      const s = await stat(full);
      if (e.isDirectory()) {
        out[relative(root, full)] = `dir ${(s.mode & 0o7777).toString(8)}`;
        await walk(full);
      } else
        out[relative(root, full)] = `${(s.mode & 0o7777).toString(8)} ${(await readFile(full)).toString("base64")}`;
    }
  };
  await walk(root);
  return out;
}

describe.skipIf(skip)(`remote: duplicity on the droplet${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let session: RemoteSession;
  let dir: string;
  let secretKey: string;
  const lines: string[] = [];
  const h = harness();
  // s3rver does not check secret keys, so the secret can be a marker we look for in every log line.
  const secretAccessKey = `secret-${randomBytes(12).toString("hex")}`;
  const passphrase = `passphrase-${randomBytes(12).toString("hex")}`;
  const credentials = { accessKeyId: h.s3?.accessKeyId ?? "", secretAccessKey };
  const target = (prefix: string) => ({ bucket: h.s3!.bucket, prefix, endpoint: h.s3!.endpoint, region: h.s3!.region });

  beforeAll(async () => {
    session = await openSession((l) => lines.push(l));
    dir = await mkdtemp(join(tmpdir(), "lifeboat-dup-"));
    secretKey = await run("gpg", ["--homedir", h.duplicity!.gpg.home, "--batch", "--armor", "--export-secret-keys"]);
  });

  afterAll(async () => {
    session.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("full, then incremental, then restore gives back the same tree; no secret in any log line", async () => {
    const src = join(dir, "src");
    await mkdir(join(src, "etc", "app"), { recursive: true });
    await writeFile(join(src, "etc", "app", "config.yml"), "port: 8080\n", { mode: 0o640 });
    await writeFile(join(src, "blob.bin"), randomBytes(200_000));
    await mkdir(join(src, "skip"), { recursive: true });
    await writeFile(join(src, "skip", "cache"), "not wanted");
    const options = {
      paths: [src],
      exclude: [join(src, "skip")],
      target: target("dup-gpg"),
      credentials,
      encryption: {
        type: "gpg" as const,
        fingerprint: h.duplicity!.gpg.fingerprint,
        publicKeyArmored: h.duplicity!.gpg.publicKeyArmored,
      },
      fullEverySeconds: 30 * 86_400,
      keepFull: 2,
      cache: { archiveDir: join(dir, "cache") },
    };

    const full = await runDuplicity(session, options);
    expect(full).toMatchObject({ mode: "full", chains: 1, sets: 1 });
    expect(full.bytes).toBeGreaterThan(0);
    expect(full.lastFull).toMatch(/^\d{4}-\d\d-\d\dT/);

    await writeFile(join(src, "etc", "app", "config.yml"), "port: 9090\n");
    await writeFile(join(src, "new.txt"), "added later\n", { mode: 0o600 });
    const incremental = await runDuplicity(session, options);
    expect(incremental).toMatchObject({ mode: "incremental", chains: 1, sets: 2, lastFull: full.lastFull });

    const into = join(dir, "restored");
    await restoreDuplicity(session, {
      target: options.target,
      credentials,
      decryption: { type: "gpg", secretKeyArmored: secretKey },
      path: src,
      into,
      cache: options.cache,
    });
    const expected = await tree(src);
    delete expected.skip;
    delete expected["skip/cache"];
    expect(await tree(into)).toEqual(expected);

    const text = JSON.stringify({ lines, full, incremental });
    expect(lines.length).toBeGreaterThan(3);
    expect(text).not.toContain(secretAccessKey);
    expect(text).not.toContain("PRIVATE KEY");
    expect(text).not.toContain(Buffer.from(secretKey).toString("base64").slice(0, 40));
  });

  it("with a passphrase: keeps only keepFull full chains (remove-all-but-n-full)", async () => {
    const src = join(dir, "src2");
    await mkdir(src, { recursive: true });
    await writeFile(join(src, "a.txt"), "one\n");
    const options = {
      paths: [src],
      target: target("dup-pass"),
      credentials,
      encryption: { type: "passphrase" as const, passphrase },
      fullEverySeconds: 0, // every run is due a full
      keepFull: 2,
      cache: { archiveDir: join(dir, "cache2") },
    };
    const reports = [];
    for (let i = 0; i < 3; i++) {
      await writeFile(join(src, "a.txt"), `run ${i}\n`);
      reports.push(await runDuplicity(session, options));
      if (i < 2) await new Promise((r) => setTimeout(r, 1100)); // duplicity's times have 1 s resolution
    }
    expect(reports.map((r) => r.mode)).toEqual(["full", "full", "full"]);
    expect(reports.map((r) => r.chains)).toEqual([1, 2, 2]);

    const into = join(dir, "restored2");
    await restoreDuplicity(session, {
      target: options.target,
      credentials,
      decryption: { type: "passphrase", passphrase },
      path: src,
      into,
      cache: options.cache,
    });
    expect(await readFile(join(into, "a.txt"), "utf8")).toBe("run 2\n");

    // `into` must not exist yet: a second restore there fails, saying what failed where.
    const again = await restoreDuplicity(session, {
      target: options.target,
      credentials,
      decryption: { type: "passphrase", passphrase },
      path: src,
      into,
      cache: options.cache,
    }).catch((e: Error) => e);
    expect(again).toBeInstanceOf(RemoteCommandError);
    expect((again as Error).message).toMatch(/^duplicity restore on harness-droplet failed \(exit code [1-9]\d*\)/);
    expect(JSON.stringify(lines)).not.toContain(passphrase);
    expect((again as Error).message).not.toContain(passphrase);
  });

  it("says how to install duplicity when it is missing on the droplet", async () => {
    const error = await runDuplicity(session, {
      paths: ["/nonexistent"],
      target: target("dup-missing"),
      credentials,
      encryption: { type: "passphrase", passphrase },
      fullEverySeconds: 1,
      keepFull: 1,
      binary: "duplicity-not-installed-here",
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(DuplicityMissingError);
    expect((error as Error).message).toContain(
      "apt-get install -y --no-install-recommends duplicity python3-boto3 gnupg",
    );
  });
});
