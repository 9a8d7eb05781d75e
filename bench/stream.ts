/**
 * Volume archive throughput and memory. Starts its own dockerd + sshd (test/harness), makes
 * volumes of mixed data (half repetitive text, half random), and measures:
 *   - 1 GB archived by lifeboat over loopback SSH into the local sink (compression off), beside
 *     the raw baseline `ssh host docker run … tar c -C /data . > /dev/null`, in the same run;
 *   - lifeboat's peak RSS for 200 MB and 2 GB volumes (each in a fresh process, so the peak is
 *     that archive's own), bundled as deployed and, for the CLI, under tsx.
 * Targets: ratio ≥ 0.9; peak RSS ≤ 150 MB and no larger for 2 GB than for 200 MB.
 * The last line is one JSON object. Everything it creates is removed.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { connect, sh } from "@lifeboat/remote";
import { build } from "esbuild";
import { startDockerd, stopDockerd } from "../test/harness/dockerd";
import { findBinary } from "../test/harness/process";
import { type SshService, startSshd, stopSshd } from "../test/harness/sshd";

const MB = 1024 * 1024;
const ROUNDS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Child {
  bytes: number;
  seconds: number;
  peakRssMb: number;
}

const childSource = join(dirname(fileURLToPath(import.meta.url)), "support", "stream-child.ts");

/** The child as deployed: bundled by esbuild like the Lambda functions, run by plain node. */
async function bundleChild(dir: string): Promise<string> {
  const outfile = join(dir, "stream-child.mjs");
  await build({
    entryPoints: [childSource],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    keepNames: true,
    external: ["cpu-features", "*.node"],
    // The banner SST gives ESM functions: require and __dirname for CommonJS dependencies.
    banner: {
      js: [
        "import { createRequire as topLevelCreateRequire } from 'module';",
        "const require = topLevelCreateRequire(import.meta.url);",
        "import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from 'url';",
        "const __dirname = topLevelFileUrlToPath(new topLevelURL('.', import.meta.url));",
      ].join("\n"),
    },
    logLevel: "error",
  });
  return outfile;
}

function runChild(
  how: { bundle: string } | "tsx",
  ssh: SshService,
  volume: string,
  image: string,
  out: string,
): Promise<Child> {
  return new Promise((resolve, reject) => {
    const args = JSON.stringify({ ssh, volume, image, out });
    const p = spawn(process.execPath, how === "tsx" ? ["--import", "tsx", childSource, args] : [how.bundle, args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let text = "";
    p.stdout.on("data", (c) => {
      text += c;
    });
    p.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(text.trim().split("\n").at(-1)!)) : reject(new Error(`child exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const dockerd = findBinary("/usr/sbin/dockerd", "/usr/bin/dockerd");
  const busybox = findBinary("/bin/busybox", "/usr/bin/busybox");
  const sshd = findBinary("/usr/sbin/sshd");
  if (!dockerd || !busybox || !sshd) {
    throw new Error("needs dockerd, busybox and sshd: apt-get install -y docker.io busybox-static openssh-server");
  }
  const tmp = await mkdtemp(join(tmpdir(), "lifeboat-bench-"));
  await mkdir(join(tmp, "d"));
  await mkdir(join(tmp, "s"));
  const docker = await startDockerd(join(tmp, "d"), dockerd, busybox);
  const ssh = await startSshd(join(tmp, "s"), sshd, { DOCKER_HOST: docker.host });
  const session = await connect({
    host: ssh.host,
    port: ssh.port,
    username: ssh.user,
    privateKey: await readFile(ssh.privateKeyPath, "utf8"),
    hostKey: ssh.hostKeyFingerprint,
  });
  const image = docker.baseImage;
  const out = join(tmp, "sink");
  const volumes: string[] = [];
  try {
    const makeVolume = async (name: string, bytes: number) => {
      volumes.push(name);
      const half = Math.floor(bytes / 2);
      const fill = `yes 'lifeboat bench: compressible line of text' | head -c ${half} > /data/text && head -c ${bytes - half} /dev/urandom > /data/random`;
      await session.run(sh`docker volume create ${name}`, { what: "create volume" });
      await session.run(sh`docker run --rm --log-driver none -v ${`${name}:/data`} ${image} sh -c ${fill}`, {
        what: "fill volume",
      });
    };

    await makeVolume("bench-1g", 1024 * MB);
    // Raw baseline with the ssh CLI and lifeboat, on the same volume, alternately three times:
    // on two shared cores one transfer is noisy, the medians are not.
    const rawOnce = () => {
      const t0 = process.hrtime.bigint();
      const raw = spawnSync(
        "sh",
        [
          "-c",
          `ssh -q -i ${ssh.privateKeyPath} -p ${ssh.port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null ${ssh.user}@${ssh.host} docker run --rm --log-driver none -v bench-1g:/data ${image} tar c -C /data . > /dev/null`,
        ],
        { stdio: "inherit" },
      );
      if (raw.status !== 0) throw new Error("raw baseline failed");
      return Number(process.hrtime.bigint() - t0) / 1e9;
    };
    const bundle = { bundle: await bundleChild(tmp) };
    const rawTimes: number[] = [];
    const ourRuns: Child[] = [];
    const tsxRuns: Child[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      rawTimes.push(rawOnce());
      tsxRuns.push(await runChild("tsx", ssh, "bench-1g", image, out));
      await rm(out, { recursive: true, force: true });
      ourRuns.push(await runChild(bundle, ssh, "bench-1g", image, out));
      await rm(out, { recursive: true, force: true });
    }
    const rawSeconds = median(rawTimes);
    // The CLI (tsx) loads ssh2's native crypto binding; the Lambda bundle leaves it out (*.node external).
    const ours = { ...tsxRuns[0]!, seconds: median(tsxRuns.map((r) => r.seconds)) };
    const bundled = { ...ourRuns[0]!, seconds: median(ourRuns.map((r) => r.seconds)) };

    await makeVolume("bench-200m", 200 * MB);
    const small = await runChild(bundle, ssh, "bench-200m", image, out);
    await rm(out, { recursive: true, force: true });
    const smallTsx = await runChild("tsx", ssh, "bench-200m", image, out);
    await rm(out, { recursive: true, force: true });
    await session.run(sh`docker volume rm bench-1g`, { what: "remove volume" });
    await makeVolume("bench-2g", 2048 * MB);
    const big = await runChild(bundle, ssh, "bench-2g", image, out);
    await rm(out, { recursive: true, force: true });
    const bigTsx = await runChild("tsx", ssh, "bench-2g", image, out);
    await rm(out, { recursive: true, force: true });

    const rawMBps = ours.bytes / MB / rawSeconds;
    const lifeboatMBps = ours.bytes / MB / ours.seconds;
    const figures = {
      volumeMB: Math.round(ours.bytes / MB),
      rawMBps: Number(rawMBps.toFixed(1)),
      lifeboatMBps: Number(lifeboatMBps.toFixed(1)),
      ratio: Number((lifeboatMBps / rawMBps).toFixed(3)),
      bundledMBps: Number((bundled.bytes / MB / bundled.seconds).toFixed(1)),
      bundledRatio: Number((bundled.bytes / MB / bundled.seconds / rawMBps).toFixed(3)),
      peakRssMb200: Number(small.peakRssMb.toFixed(1)),
      peakRssMb2048: Number(big.peakRssMb.toFixed(1)),
      tsxPeakRssMb200: Number(smallTsx.peakRssMb.toFixed(1)),
      tsxPeakRssMb2048: Number(bigTsx.peakRssMb.toFixed(1)),
      targets: {
        ratioAtLeast0_9: lifeboatMBps / rawMBps >= 0.9,
        rssAtMost150: Math.max(small.peakRssMb, big.peakRssMb) <= 150,
        rssNotGrowing: big.peakRssMb <= small.peakRssMb * 1.05,
      },
    };
    console.log(`1 GB volume, compression off, loopback SSH (median of ${ROUNDS} alternating transfers each):`);
    console.log(`  raw ssh + docker run tar > /dev/null : ${figures.rawMBps} MB/s`);
    console.log(`  lifeboat → local sink (CLI)          : ${figures.lifeboatMBps} MB/s (ratio ${figures.ratio})`);
    console.log(
      `  lifeboat bundled, no ssh2 native crypto (as in Lambda): ${figures.bundledMBps} MB/s (ratio ${figures.bundledRatio})`,
    );
    console.log(
      `peak RSS of lifeboat as deployed (bundled): 200 MB volume ${figures.peakRssMb200} MB, 2 GB volume ${figures.peakRssMb2048} MB`,
    );
    console.log(
      `peak RSS under tsx (the CLI, incl. the TypeScript loader): 200 MB ${figures.tsxPeakRssMb200} MB, 2 GB ${figures.tsxPeakRssMb2048} MB`,
    );
    console.log(JSON.stringify(figures));
  } finally {
    for (const v of volumes) await session.run(sh`docker volume rm -f ${v}`, { what: "cleanup", check: false });
    session.close();
    await stopSshd(ssh);
    await stopDockerd(docker);
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
