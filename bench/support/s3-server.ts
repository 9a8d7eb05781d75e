/**
 * The harness's S3 server (test/harness/s3.ts) in a process of its own, for bench/stream.ts:
 * there, s3rver's CPU would count as the orchestrator's (process.cpuUsage of the bench).
 * Prints the service as one JSON line once it listens; stops when stdin closes.
 */
import { startS3 } from "../../test/harness/s3";

const dir = process.argv[2];
if (!dir) {
  process.stderr.write("usage: s3-server.ts DIR\n");
  process.exit(2);
}
const { service, stop } = await startS3(dir);
process.stdout.write(`${JSON.stringify(service)}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  void stop().then(() => process.exit(0));
});
