/**
 * The verify half of bench/drill: `verify --read-data=1` throughput over 1 GB of archives in
 * an S3 server on loopback (the harness's s3rver, in a process of its own: ./s3-server.ts, so
 * its CPU is not counted as ours), beside `sha256sum` of the same objects read the same way
 * (the SDK's GET stream, piped into `sha256sum`). Verify does more per byte than the baseline
 * (sha256, zstd decompression, the tar walk), so the ratio is what those cost. Goal ≥ 0.8×.
 *
 * The archives are 16 × 128 MiB tar.zst of mixed data (half low-entropy text, half random: ~1 GB stored), as
 * a run stores them, with their manifest. The verify figure is storeVerifier's `runs` with
 * readData 1: the code `lifeboat verify --read-data=1` runs for a droplet, without the CLI's
 * start-up. Rounds alternate (baseline, verify, baseline, verify); each figure is its best.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import type { VolumeEntry } from "@lifeboat/core";
import { runWriter, S3Sink, storeVerifier, writeManifest } from "@lifeboat/storage";
import { startS3Process } from "./s3-server-process";

const ARCHIVES = 16;
const TAR_BYTES = 128 * 1024 * 1024;
const FILE_BYTES = 4 * 1024 * 1024;

/** A tar header for a regular file of `size` bytes. */
function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write("0000644\0", 100);
  h.write("0000000\0", 108);
  h.write("0000000\0", 116);
  h.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  h.write("00000000000\0", 136);
  h.write("        ", 148);
  h.write("0", 156);
  h.write("ustar\x0000", 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return h;
}

/** A tar of TAR_BYTES in FILE_BYTES files, alternately low-entropy text and random bytes. */
async function* tarBody(): AsyncGenerator<Buffer> {
  const text = Buffer.from("lifeboat keeps the four things: image, volume, mount path, owner.\n".repeat(64));
  for (let i = 0; i < TAR_BYTES / FILE_BYTES; i++) {
    yield tarHeader(`./file-${i}`, FILE_BYTES);
    for (let done = 0; done < FILE_BYTES; done += 1 << 20) {
      if (i % 2 === 0)
        yield Buffer.concat(Array.from({ length: (1 << 20) / text.length + 1 }, () => text)).subarray(0, 1 << 20);
      else yield randomBytes(1 << 20);
    }
  }
  yield Buffer.alloc(1024);
}

/** The tar through `zstd -3 -T0`, as the droplet compresses it. */
function zstdOf(source: AsyncGenerator<Buffer>): Readable {
  const child = spawn("zstd", ["-q", "-3", "-T0", "-c"], { stdio: ["pipe", "pipe", "inherit"] });
  void pipeline(source, child.stdin);
  return child.stdout;
}

/** `GET | sha256sum`: the object's bytes through the SDK's stream into the sha256sum command. */
async function sha256sumOf(sink: S3Sink, key: string): Promise<string> {
  const child = spawn("sha256sum", [], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (c) => {
    out += c;
  });
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  await pipeline(await sink.get(key), new PassThrough({ highWaterMark: 1 << 18 }), child.stdin);
  await exited;
  return out.split(" ")[0] ?? "";
}

export async function measureVerifyRead(): Promise<{ verifyMBps: number; sha256sumMBps: number; verifyRatio: number }> {
  const dir = await mkdtemp(join(tmpdir(), "bench-verify-"));
  const { service, stop } = await startS3Process(dir);
  try {
    const sink = new S3Sink({
      bucket: service.bucket,
      region: service.region,
      endpoint: service.endpoint,
      prefix: "bench/",
      forcePathStyle: true,
      checksums: "WHEN_REQUIRED",
      credentials: { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey },
    });
    const writer = runWriter(sink, { droplet: "bench", runId: "bench-1" });
    const volumes: VolumeEntry[] = [];
    for (let i = 0; i < ARCHIVES; i++) {
      const stored = await writer.putArchive("volume", `v${i}.tar.zst`, zstdOf(tarBody()));
      volumes.push({ volume: `v${i}`, usedBy: [], compression: "zstd", ...stored });
    }
    await writeManifest(sink, {
      runId: "bench-1",
      plan: "bench",
      droplet: "bench",
      createdAt: new Date().toISOString(),
      containers: [],
      volumes,
    });
    const bytes = volumes.reduce((sum, v) => sum + v.bytes, 0);
    const mb = bytes / 1e6;
    process.stderr.write(
      `verify-read: ${ARCHIVES} archives, ${mb.toFixed(0)} MB stored (zstd of ${(ARCHIVES * TAR_BYTES) / 1e6} MB of tar)\n`,
    );

    const baseline = async () => {
      const started = performance.now();
      for (const v of volumes) {
        if ((await sha256sumOf(sink, v.key)) !== v.sha256) throw new Error(`sha256sum of ${v.key} differs`);
      }
      return mb / ((performance.now() - started) / 1000);
    };
    let peakRss = 0;
    const verify = async () => {
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 50);
      const started = performance.now();
      const findings = await storeVerifier(sink)
        .runs("bench", { readData: 1, seed: 1, prune: false, now: Date.now() })
        .finally(() => clearInterval(sampler));
      const seconds = (performance.now() - started) / 1000;
      const read = findings.filter((f) => f.check === "data");
      if (read.length !== ARCHIVES || findings.some((f) => !f.ok)) {
        throw new Error(`verify did not pass: ${JSON.stringify(findings.filter((f) => !f.ok))}`);
      }
      return mb / seconds;
    };
    const rounds = { sha256sum: [] as number[], verify: [] as number[] };
    for (let round = 0; round < 2; round++) {
      rounds.sha256sum.push(await baseline());
      rounds.verify.push(await verify());
      process.stderr.write(
        `verify-read round ${round + 1}: sha256sum ${rounds.sha256sum.at(-1)!.toFixed(0)} MB/s, verify ${rounds.verify.at(-1)!.toFixed(0)} MB/s (this process's peak RSS ${(peakRss / 1e6).toFixed(0)} MB)\n`,
      );
    }
    const sha256sumMBps = Math.round(Math.max(...rounds.sha256sum));
    const verifyMBps = Math.round(Math.max(...rounds.verify));
    return { verifyMBps, sha256sumMBps, verifyRatio: Math.round((verifyMBps / sha256sumMBps) * 100) / 100 };
  } finally {
    await stop();
    await rm(dir, { recursive: true, force: true });
  }
}

// `node --import tsx bench/support/verify-read.ts`: the figures alone, the last line JSON.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const figures = await measureVerifyRead();
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
