/**
 * The measured side of bench/stream.ts, run in a process of its own so its peak RSS is that
 * archive's alone: archives one volume over SSH into the local sink and prints bytes, seconds,
 * peak RSS and sampled RSS (first 200 MB, rest) as JSON. bench/stream.ts runs it as the CLI
 * runs (packages/cli/bundle.mjs, plain node) and as the Lambda functions are bundled.
 */
import { archiveVolumes } from "@lifeboat/remote";
import { LocalSink, runWriter } from "@lifeboat/storage";
import { openPinnedSession } from "../../test/harness/ssh";
import type { SshService } from "../../test/harness/sshd";

const MB = 1024 * 1024;

/** Child mode: archive one volume and report bytes, time and this process's peak RSS. */
async function child(ssh: SshService, volume: string, image: string, out: string): Promise<void> {
  const session = await openPinnedSession(ssh);
  // RSS sampled against the bytes received: the peak over the first 200 MB and over the rest
  // show, within one process, whether memory grows with the volume's size.
  const writer = runWriter(new LocalSink(out), { droplet: "bench", runId: volume });
  let received = 0;
  const counting: typeof writer = {
    putArchive: (kind, name, body) => {
      const stored = writer.putArchive(kind, name, body); // the sink is attached first
      body.on("data", (c: Buffer) => {
        received += c.length;
      });
      return stored;
    },
  };
  const sampledMb = { first200: 0, rest: 0 };
  const sampler = setInterval(() => {
    const rss = process.memoryUsage.rss() / MB;
    const phase = received <= 200 * MB ? "first200" : "rest";
    sampledMb[phase] = Math.max(sampledMb[phase], rss);
  }, 20);
  const started = process.hrtime.bigint();
  const result = await archiveVolumes(session, counting, {
    volumes: [{ name: volume, driver: "local", usedBy: [] }],
    containers: [],
    helperImage: image,
    compression: "none",
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  session.close();
  if (result.failed.length > 0) throw new Error(result.failed[0]!.error);
  const report = {
    bytes: result.stored[0]!.bytes,
    seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    sampledRssMb: sampledMb,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

const args = JSON.parse(process.argv[2] ?? "{}");
await child(args.ssh, args.volume, args.image, args.out);
