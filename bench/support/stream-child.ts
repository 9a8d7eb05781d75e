/**
 * The measured side of bench/stream.ts, run in a process of its own so its peak RSS is that
 * archive's alone: archives one volume over SSH into the local sink and prints bytes, seconds
 * and peak RSS as JSON. bench/stream.ts runs it both as deployed (bundled by esbuild, plain
 * node) and as the CLI runs (TypeScript through tsx).
 */
import { readFile } from "node:fs/promises";
import { archiveVolumes, connect } from "@lifeboat/remote";
import { LocalSink, runWriter } from "@lifeboat/storage";

interface SshTarget {
  host: string;
  port: number;
  user: string;
  privateKeyPath: string;
  hostKeyFingerprint: string;
}

/** Child mode: archive one volume and report bytes, time and this process's peak RSS. */
async function child(ssh: SshTarget, volume: string, image: string, out: string): Promise<void> {
  const session = await connect({
    host: ssh.host,
    port: ssh.port,
    username: ssh.user,
    privateKey: await readFile(ssh.privateKeyPath, "utf8"),
    hostKey: ssh.hostKeyFingerprint,
  });
  const started = process.hrtime.bigint();
  const result = await archiveVolumes(session, runWriter(new LocalSink(out), { droplet: "bench", runId: volume }), {
    volumes: [{ name: volume, driver: "local", usedBy: [] }],
    containers: [],
    helperImage: image,
    compression: "none",
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  session.close();
  if (result.failed.length > 0) throw new Error(result.failed[0]!.error);
  const report = {
    bytes: result.stored[0]!.bytes,
    seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

const args = JSON.parse(process.argv[2] ?? "{}");
await child(args.ssh, args.volume, args.image, args.out);
