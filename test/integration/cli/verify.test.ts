/**
 * `lifeboat verify` as a person runs it: the CLI as a child process, against the built-in
 * sandbox (whose sample droplets carry weekly lifeboat snapshots) and the harness's S3 server.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { runWriter, S3Sink, writeManifest } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, missingServices } from "../../harness/context";
import { lifeboat, sandboxEnv } from "../../unit/cli/cli-process";
import { unique } from "../remote/session";

const h = harness();
const skip = missingServices("s3");

/** A one-file tar, made by hand: the header's checksum over its fields, then the data, then the end. */
function tinyTar(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write("0000644\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(`${content.length.toString(8).padStart(11, "0")}\0`, 124);
  header.write("00000000000\0", 136);
  header.write("        ", 148);
  header.write("0", 156);
  header.write("ustar\x0000", 257);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  const padded = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  content.copy(padded);
  return Buffer.concat([header, padded, Buffer.alloc(1024)]);
}

describe.skipIf(skip)(`lifeboat verify${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let dir: string;
  let config: string;
  let sink: S3Sink;
  let key: string;
  const env = () => sandboxEnv({ AWS_ACCESS_KEY_ID: h.s3!.accessKeyId, AWS_SECRET_ACCESS_KEY: h.s3!.secretAccessKey });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cli-verify-"));
    const prefix = `${unique("cli-verify")}/`;
    const s3 = h.s3!;
    sink = new S3Sink({
      bucket: s3.bucket,
      region: s3.region,
      endpoint: s3.endpoint,
      prefix,
      forcePathStyle: true,
      checksums: "WHEN_REQUIRED",
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const writer = runWriter(sink, { droplet: "gitlab", runId: "weekly-1" });
    const stored = await writer.putArchive(
      "volume",
      "data.tar.gz",
      Readable.from([gzipSync(tinyTar("data.bin", randomBytes(3000)))]),
    );
    key = stored.key;
    await writeManifest(sink, {
      runId: "weekly-1",
      plan: "weekly",
      droplet: "gitlab",
      createdAt: new Date().toISOString(),
      containers: [],
      volumes: [{ volume: "data", usedBy: [], compression: "gzip", ...stored }],
    });
    config = join(dir, "lifeboat.config.ts");
    await writeFile(
      config,
      `export default ${JSON.stringify({
        plans: [
          {
            name: "weekly",
            schedule: "cron(0 3 ? * SUN *)",
            droplets: [{ name: "gitlab" }],
            snapshot: { approval: { required: false } },
          },
        ],
        storage: { type: "s3", bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, prefix },
      })};\n`,
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("a clean store and snapshot: exit 0, one JSON object naming what held", () => {
    const r = lifeboat(["--json", "-c", config, "verify", "weekly", "--read-data", "--seed", "7"], env());
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ ok: true, exitCode: 0, seed: 7, readData: 1 });
    expect(report.findings.map((f: { check: string; item: string }) => `${f.check} ${f.item}`)).toEqual([
      "manifest runs/gitlab/weekly-1/manifest.json",
      `data ${key}`,
      expect.stringMatching(/^snapshot lifeboat-weekly-gitlab-\d{8}T\d{6}Z$/),
    ]);
  });

  it("a flipped byte: exit 1, the archive named in the text report with the seed to repeat it", async () => {
    const chunks: Buffer[] = [];
    for await (const c of await sink.get(key)) chunks.push(Buffer.from(c));
    const bytes = Buffer.concat(chunks);
    bytes[bytes.length - 10]! ^= 0xff;
    await sink.put(key, Readable.from([bytes]));
    const r = lifeboat(["-c", config, "verify", "gitlab", "--read-data=0.5", "--seed", "7"], env());
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(
      "verify: 1 broken of 3 checks (read back 50% of the archives, seed 7; repeat with --seed 7)",
    );
    expect(r.stdout).toMatch(new RegExp(`BROKEN gitlab data ${key}: sha256 [0-9a-f]{64} differs`));
  });
});
