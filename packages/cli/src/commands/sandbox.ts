/**
 * `lifeboat sandbox`: the DigitalOcean API simulator with the sample droplets, served until
 * Ctrl-C. Point any lifeboat command at it with DIGITALOCEAN_ENDPOINT and DIGITALOCEAN_TOKEN
 * (and the same --speed). Its token is a throw-away sandbox token, printed on purpose.
 */
import { addSampleFleet, startSandbox } from "@lifeboat/sandbox";
import { EXIT, writeJson } from "../output";
import type { GlobalOptions } from "./context";

export async function sandboxCommand(options: GlobalOptions): Promise<number> {
  const speed = options.speed ?? 1;
  const sandbox = await startSandbox({ time: "real", speed });
  const fleet = addSampleFleet(sandbox);
  const droplets = () =>
    Object.values(fleet).map((d) => {
      const now = sandbox.droplet(d.id) ?? d;
      return { id: now.id, name: now.name, status: now.status, tags: now.tags };
    });
  if (options.json) {
    writeJson(process.stdout, { ok: true, endpoint: sandbox.url, token: sandbox.token, speed, droplets: droplets() });
  } else {
    process.stdout.write(
      `DigitalOcean sandbox at ${sandbox.url} (time ${speed}× faster), droplets: ${droplets()
        .map((d) => `${d.name} (${d.id})`)
        .join(", ")}\n` +
        "In another terminal:\n" +
        `  export DIGITALOCEAN_ENDPOINT=${sandbox.url} DIGITALOCEAN_TOKEN=${sandbox.token}\n` +
        `  npm run lifeboat -- ${speed === 1 ? "" : `--speed ${speed} `}run weekly\n` +
        "Ctrl-C stops the sandbox.\n",
    );
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await sandbox.close();
  // What changed anything (e.g. to check that a dry run wrote nothing): POST/PUT/PATCH/DELETE.
  const writes = sandbox.log.filter((r) => ["POST", "PUT", "PATCH", "DELETE"].includes(r.method)).length;
  process.stderr.write(
    `sandbox stopped; droplets at the end: ${droplets()
      .map((d) => `${d.name} ${d.status}`)
      .join(", ")}; ${sandbox.log.length} requests, ${writes} writes (POST/PUT/PATCH/DELETE)\n`,
  );
  return EXIT.ok;
}
