/**
 * Volume archive throughput and memory. Starts its own dockerd + sshd (test/harness), makes
 * volumes of mixed data (half repetitive text, half random), and measures:
 *   - 1 GB archived by lifeboat over loopback SSH into the local sink (compression off), beside
 *     the issue's raw baseline `ssh host docker run … tar c -C /data . > /dev/null` and beside
 *     `ssh host <lifeboat's own volume command> > /dev/null` (the same remote pipeline as
 *     lifeboat, so their ratio is the cost of lifeboat's SSH client, hash and file writes);
 *     busy CPU-seconds of the whole machine for each ssh-CLI transfer (the droplet's share);
 *   - peak RSS for 200 MB and 2 GB volumes, each in a fresh process so the peak is that
 *     archive's own: as the CLI runs (packages/cli/bundle.mjs, plain node) and as the Lambda
 *     bundle runs (everything bundled, no ssh2 native crypto).
 * Those are the Lambda-stream path (the archive through lifeboat's process). The droplet-push
 * path (./support/push.ts: the droplet's job runner uploads to S3 itself) beside them:
 *   - 1 GB by a real archive job (startJob, polled at the routine's planned waits) to the harness's S3 server,
 *     beside the raw pipeline `<volume tar> | python3 runner.py upload` to the same server;
 *   - the orchestrator's CPU-seconds per GB while the job runs (it only starts and polls);
 *   - the runner's peak RSS for a 200 MB and a 2 GB archive.
 * Alternating rounds, medians: on two shared cores one transfer is noisy.
 * Targets: ratio ≥ 0.9; peak RSS ≤ 150 MB and no larger for 2 GB than for 200 MB. Push: ≥ 0.9×
 * the raw pipeline; orchestrator ≤ 0.05 CPU-s per GB; runner peak RSS ≤ 100 MB, not growing.
 * `npm run bench -- stream push` measures the push path alone.
 * The last line is one JSON object. Everything it creates is removed.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sh, volumeTarCommand } from "@lifeboat/remote";
import { build } from "esbuild";
import { bundleForNode } from "../packages/cli/bundle.mjs";
import { startDockerd, stopDockerd } from "../test/harness/dockerd";
import { findBinary } from "../test/harness/process";
import { openPinnedSession } from "../test/harness/ssh";
import { type SshService, startSshd, stopSshd } from "../test/harness/sshd";
import { type JobRun, type PushRun, startPush } from "./support/push";

const MB = 1024 * 1024;
const ROUNDS = 3;
const pushOnly = process.argv[2] === "push";
/** NaN for none (a figure the run did not measure, e.g. with `push` only; null in the JSON line). */
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : Number.NaN);
const round = (x: number, digits = 1) => Number(x.toFixed(digits));
/** MB/s of the median time of runs of the same volume. */
const mbpsOf = (runs: PushRun[]) => runs[0]!.bytes / MB / median(runs.map((r) => r.seconds));

interface Child {
  bytes: number;
  seconds: number;
  peakRssMb: number;
  /** RSS sampled every 20 ms: the peak while the first 200 MB arrived, and after. */
  sampledRssMb: { first200: number; rest: number };
}

const childSource = join(dirname(fileURLToPath(import.meta.url)), "support", "stream-child.ts");

/** The child as the Lambda functions are built: one esbuild bundle, ssh2's *.node left out. */
async function lambdaBundle(dir: string): Promise<string> {
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

function runChild(script: string, ssh: SshService, volume: string, image: string, out: string): Promise<Child> {
  return new Promise((resolve, reject) => {
    const args = JSON.stringify({ ssh, volume, image, out });
    const p = spawn(process.execPath, [script, args], { stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    p.stdout.on("data", (c) => {
      text += c;
    });
    p.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(text.trim().split("\n").at(-1)!)) : reject(new Error(`child exited ${code}`)),
    );
  });
}

/** Busy CPU time of the whole machine, in seconds (user+nice+system+irq+softirq from /proc/stat). */
function busySeconds(): number {
  const [, user, nice, system, , , irq, softirq] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.split(/\s+/);
  return [user, nice, system, irq, softirq].reduce((sum, v) => sum + Number(v), 0) / 100;
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
  const session = await openPinnedSession(ssh);
  const image = docker.baseImage;
  const out = join(tmp, "sink");
  const volumes: string[] = [];
  await mkdir(join(tmp, "p"));
  const push = await startPush({
    dir: join(tmp, "p"),
    session,
    image,
    env: { ...process.env, DOCKER_HOST: docker.host },
  });
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
    const sshCli = (command: string) =>
      `ssh -q -i ${ssh.privateKeyPath} -p ${ssh.port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null ${ssh.user}@${ssh.host} ${sh`${command}`.text} > /dev/null`;
    /** One transfer by the ssh CLI: wall seconds and the machine's busy CPU-seconds. */
    const sshOnce = (command: string) => {
      const busy0 = busySeconds();
      const t0 = process.hrtime.bigint();
      const r = spawnSync("sh", ["-c", sshCli(command)], { stdio: "inherit" });
      if (r.status !== 0) throw new Error(`ssh ${command.slice(0, 60)}… failed`);
      return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, cpu: busySeconds() - busy0 };
    };
    const issueBaseline = `docker run --rm --log-driver none -v bench-1g:/data ${image} tar c -C /data .`;
    const samePipeline = volumeTarCommand("bench-1g", image).text;
    const cli = await bundleForNode(childSource);
    const cliScript = fileURLToPath(cli);
    const lambda = await lambdaBundle(tmp);

    const raw: { seconds: number; cpu: number }[] = [];
    const pipe: { seconds: number; cpu: number }[] = [];
    const cliRuns: Child[] = [];
    const lambdaRuns: Child[] = [];
    const pushRaw: PushRun[] = [];
    const pushJob: JobRun[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      if (!pushOnly) {
        raw.push(sshOnce(issueBaseline));
        pipe.push(sshOnce(samePipeline));
        cliRuns.push(await runChild(cliScript, ssh, "bench-1g", image, out));
        await rm(out, { recursive: true, force: true });
        lambdaRuns.push(await runChild(lambda, ssh, "bench-1g", image, out));
        await rm(out, { recursive: true, force: true });
      }
      pushRaw.push(await push.raw("bench-1g"));
      pushJob.push(await push.job("bench-1g", 1024 * MB));
    }
    const bytes = pushRaw[0]!.bytes;
    const GB = bytes / 1024 / MB;
    const pushRawMBps = mbpsOf(pushRaw);
    const pushMBps = mbpsOf(pushJob);
    const orchestratorCpuSecondsPerGB = median(pushJob.map((r) => r.orchestratorCpuSeconds)) / GB;
    const mbps = (seconds: number) => bytes / MB / seconds;
    const rawMBps = mbps(median(raw.map((r) => r.seconds)));
    const pipeMBps = mbps(median(pipe.map((r) => r.seconds)));
    const cliMBps = mbps(median(cliRuns.map((r) => r.seconds)));
    const lambdaMBps = mbps(median(lambdaRuns.map((r) => r.seconds)));

    // Memory: fresh processes, alternating sizes, medians.
    await makeVolume("bench-200m", 200 * MB);
    await session.run(sh`docker volume rm bench-1g`, { what: "remove volume" });
    await makeVolume("bench-2g", 2048 * MB);
    const rss: Record<"cli200" | "cli2048" | "lambda200" | "lambda2048", number[]> = {
      cli200: [],
      cli2048: [],
      lambda200: [],
      lambda2048: [],
    };
    const growth: Record<"cli" | "lambda", number[]> = { cli: [], lambda: [] };
    const uploaderRss: Record<"job200" | "job2048", number[]> = { job200: [], job2048: [] };
    for (let i = 0; i < ROUNDS; i++) {
      uploaderRss.job200.push((await push.job("bench-200m", 200 * MB)).peakRssMb);
      uploaderRss.job2048.push((await push.job("bench-2g", 2048 * MB)).peakRssMb);
      if (pushOnly) continue;
      for (const [key, script, volume] of [
        ["cli200", cliScript, "bench-200m"],
        ["cli2048", cliScript, "bench-2g"],
        ["lambda200", lambda, "bench-200m"],
        ["lambda2048", lambda, "bench-2g"],
      ] as const) {
        const run = await runChild(script, ssh, volume, image, out);
        rss[key].push(run.peakRssMb);
        if (key.endsWith("2048")) {
          growth[key.startsWith("cli") ? "cli" : "lambda"].push(run.sampledRssMb.rest - run.sampledRssMb.first200);
        }
        await rm(out, { recursive: true, force: true });
      }
    }
    const peak = Object.fromEntries(
      Object.entries(rss).map(([k, v]) => [k, v.length ? round(median(v)) : Number.NaN]),
    ) as Record<keyof typeof rss, number>;
    const spread = (xs: number[]) => `${round(Math.min(...xs))}–${round(Math.max(...xs))}`;
    const uploaderPeak = { job200: round(median(uploaderRss.job200)), job2048: round(median(uploaderRss.job2048)) };
    const pushFigures = {
      pushMBps: round(pushMBps),
      pushRawMBps: round(pushRawMBps),
      pushRatio: round(pushMBps / pushRawMBps, 3),
      orchestratorCpuSecondsPerGB: round(orchestratorCpuSecondsPerGB, 3),
      uploaderPeakRssMb200: uploaderPeak.job200,
      uploaderPeakRssMb2048: uploaderPeak.job2048,
    };
    const pushTargets = {
      pushRatioAtLeast0_9: pushMBps / pushRawMBps >= 0.9,
      orchestratorCpuAtMost0_05: orchestratorCpuSecondsPerGB <= 0.05,
      uploaderRssAtMost100: Math.max(...Object.values(uploaderRss).flat()) <= 100,
      // The runner's buffers are fixed (no GC): 2 GB may not need a single MB more than 200 MB.
      uploaderRssNotGrowing: uploaderPeak.job2048 <= uploaderPeak.job200 + 1,
    };

    const figures = {
      volumeMB: Math.round(bytes / MB),
      rawMBps: round(rawMBps),
      lifeboatMBps: round(cliMBps),
      ratio: round(cliMBps / rawMBps, 3),
      lambdaMBps: round(lambdaMBps),
      lambdaRatio: round(lambdaMBps / rawMBps, 3),
      samePipelineMBps: round(pipeMBps),
      clientRatio: round(cliMBps / pipeMBps, 3),
      lambdaClientRatio: round(lambdaMBps / pipeMBps, 3),
      rawCpuSecondsPerGB: round(median(raw.map((r) => r.cpu)) / (bytes / 1024 / MB), 2),
      samePipelineCpuSecondsPerGB: round(median(pipe.map((r) => r.cpu)) / (bytes / 1024 / MB), 2),
      peakRssMb200: peak.cli200,
      peakRssMb2048: peak.cli2048,
      lambdaPeakRssMb200: peak.lambda200,
      lambdaPeakRssMb2048: peak.lambda2048,
      // Within one 2 GB run: how much the RSS peak after the first 200 MB exceeds the one before.
      rssGrowthAfter200MbMb: round(median(growth.cli)),
      lambdaRssGrowthAfter200MbMb: round(median(growth.lambda)),
      targets: {
        ratioAtLeast0_9: cliMBps / rawMBps >= 0.9 && lambdaMBps / rawMBps >= 0.9,
        rssAtMost150: Math.max(...Object.values(rss).flat()) <= 150,
        // Medians; a peak taken over ten times as many GC cycles is a few MB noisier.
        rssNotGrowing: peak.cli2048 <= peak.cli200 * 1.03 && peak.lambda2048 <= peak.lambda200 * 1.03,
        ...pushTargets,
      },
      ...pushFigures,
    };
    if (!pushOnly) {
      console.log(`1 GB volume, compression off, loopback SSH, median of ${ROUNDS} alternating transfers:`);
      console.log(`  raw: ssh + docker run … tar > /dev/null (issue's baseline) : ${figures.rawMBps} MB/s`);
      console.log(`  ssh + lifeboat's own volume command > /dev/null          : ${figures.samePipelineMBps} MB/s`);
      console.log(`  lifeboat → local sink, as the CLI runs                   : ${figures.lifeboatMBps} MB/s`);
      console.log(`  lifeboat → local sink, as the Lambda bundle runs         : ${figures.lambdaMBps} MB/s`);
      console.log(`  ratio to raw: CLI ${figures.ratio}, Lambda ${figures.lambdaRatio}`);
      console.log(
        `  ratio to the same remote pipeline (client cost): CLI ${figures.clientRatio}, Lambda ${figures.lambdaClientRatio}`,
      );
      console.log(
        `  machine CPU-seconds per GB (droplet + ssh CLI): raw ${figures.rawCpuSecondsPerGB}, lifeboat's command ${figures.samePipelineCpuSecondsPerGB}`,
      );
      console.log(`peak RSS, median of ${ROUNDS} fresh processes (range):`);
      console.log(
        `  CLI:    200 MB ${peak.cli200} MB (${spread(rss.cli200)}), 2 GB ${peak.cli2048} MB (${spread(rss.cli2048)})`,
      );
      console.log(
        `  Lambda: 200 MB ${peak.lambda200} MB (${spread(rss.lambda200)}), 2 GB ${peak.lambda2048} MB (${spread(rss.lambda2048)})`,
      );
      console.log(
        `  within a 2 GB run, RSS after the first 200 MB rises by: CLI ${figures.rssGrowthAfter200MbMb} MB, Lambda ${figures.lambdaRssGrowthAfter200MbMb} MB`,
      );
    }
    console.log(`droplet push: 1 GB volume to S3 (s3rver on loopback), median of ${ROUNDS} alternating uploads:`);
    console.log(`  raw: <volume tar> | python3 runner.py upload        : ${pushFigures.pushRawMBps} MB/s`);
    console.log(
      `  archive job: startJob, polls at the planned waits, finish: ${pushFigures.pushMBps} MB/s (ratio ${pushFigures.pushRatio})`,
    );
    console.log(
      `  orchestrator CPU-seconds per GB (start, ~${median(pushJob.map((r) => r.polls))} polls, finish): ${pushFigures.orchestratorCpuSecondsPerGB}`,
    );
    console.log(
      `  runner peak RSS, median (range): 200 MB ${uploaderPeak.job200} MB (${spread(uploaderRss.job200)}), 2 GB ${uploaderPeak.job2048} MB (${spread(uploaderRss.job2048)})`,
    );
    console.log(
      JSON.stringify(pushOnly ? { volumeMB: figures.volumeMB, ...pushFigures, targets: pushTargets } : figures),
    );
  } finally {
    await push.stop();
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
