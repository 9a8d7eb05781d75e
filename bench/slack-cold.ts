/**
 * Slack cold start: bundles functions/slack.ts the way SST does (esbuild: bundled, minified,
 * ESM, node22) beside a bare Bolt "hello" handler bundled the same way, then times, from
 * spawning a fresh `node` process, until a signed `/lifeboat help` (resp. `/hello`) command
 * is answered by the handler. Median of several runs each, interleaved.
 * Targets: bundle ≤ 1.5 MB; cold answer ≤ 1.3 × bare Bolt.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { esbuildOptions } from "../stacks/bundling";
import { lifeboatConfig } from "../stacks/config";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = mkdtempSync(join(tmpdir(), "slack-cold-"));
const runs = Number(process.env.RUNS ?? 9);

const bareEntry = join(work, "bare.ts");
writeFileSync(
  bareEntry,
  `import { App, AwsLambdaReceiver } from "@slack/bolt";
const receiver = new AwsLambdaReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET });
const app = new App({ token: process.env.SLACK_BOT_TOKEN, receiver, tokenVerificationEnabled: false, botId: "B1", botUserId: "U1" });
app.command("/hello", async ({ ack }) => { await ack("hello"); });
export const handler = async (event, context) => (await receiver.start())(event, context);
`,
);

/** Loads a bundle in this fresh process and answers one signed slash command. */
const runner = join(work, "runner.mjs");
writeFileSync(
  runner,
  `import { createHmac } from "node:crypto";
const [bundle, command, text] = process.argv.slice(2);
const { handler } = await import(bundle);
const body = new URLSearchParams({ command, text, user_id: "U0LIFEBOAT1", channel_id: "C0LIFEBOAT", team_id: "T1", response_url: "http://127.0.0.1:9/r", trigger_id: "1" }).toString();
const ts = Math.floor(Date.now() / 1000);
const sig = "v0=" + createHmac("sha256", process.env.SLACK_SIGNING_SECRET).update("v0:" + ts + ":" + body).digest("hex");
const res = await handler({ version: "2.0", rawPath: "/slack", rawQueryString: "", routeKey: "POST /slack", requestContext: { http: { method: "POST", path: "/slack" } },
  headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-signature": sig, "x-slack-request-timestamp": String(ts) }, body, isBase64Encoded: false }, {});
if (res.statusCode !== 200) { console.error("answered " + res.statusCode); process.exit(1); }
process.stdout.write("answered\\n");
process.exit(0);
`,
);

/** The deployed options for lifeboat's handler (stacks/bundling.ts); bare Bolt gets SST's defaults only. */
async function bundle(entry: string, out: string, deployed = false): Promise<number> {
  await build({
    ...(deployed ? esbuildOptions(lifeboatConfig) : {}),
    keepNames: true,
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    minify: true,
    platform: "node",
    target: "node22",
    format: "esm",
    mainFields: ["module", "main"],
    banner: {
      js: "import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);",
    },
    logLevel: "error",
    absWorkingDir: root,
    nodePaths: [join(root, "node_modules")],
  });
  return statSync(out).size;
}

const env = {
  ...process.env,
  NODE_OPTIONS: "",
  SLACK_SIGNING_SECRET: "bench-signing-secret",
  SLACK_BOT_TOKEN: "xoxb-bench",
  SLACK_BOT_ID: "B1",
  SLACK_BOT_USER_ID: "U1",
  LIFEBOAT_BACKUP_FUNCTION: "arn:aws:lambda:us-east-1:123456789012:function:lifeboat-backup-run:live",
  LIFEBOAT_SCHEDULE_PATTERN: "lifeboat-bench-plan-{plan}",
  AWS_LAMBDA_FUNCTION_NAME: "lifeboat-bench-slack",
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDBENCH",
  AWS_SECRET_ACCESS_KEY: "bench",
  DIGITALOCEAN_TOKEN: "bench-do-token",
  LIFEBOAT_BUCKET: "bench-bucket",
};

function coldAnswerMs(bundlePath: string, command: string, text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [runner, bundlePath, command, text], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("answered")) resolve(Number(process.hrtime.bigint() - start) / 1e6);
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`cold run failed (${code}): ${err}`));
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

try {
  const lifeboatOut = join(work, "slack.mjs");
  const bareOut = join(work, "bare.mjs");
  const lifeboatBytes = await bundle(join(root, "functions/slack.ts"), lifeboatOut, true);
  const bareBytes = await bundle(bareEntry, bareOut);

  const lifeboat: number[] = [];
  const bare: number[] = [];
  await coldAnswerMs(bareOut, "/hello", ""); // warm the file cache once
  await coldAnswerMs(lifeboatOut, "/lifeboat", "help");
  for (let i = 0; i < runs; i++) {
    bare.push(await coldAnswerMs(bareOut, "/hello", ""));
    lifeboat.push(await coldAnswerMs(lifeboatOut, "/lifeboat", "help"));
  }
  const figures = {
    lifeboatBundleBytes: lifeboatBytes,
    bareBoltBundleBytes: bareBytes,
    lifeboatColdAnswerMs: Math.round(median(lifeboat)),
    bareBoltColdAnswerMs: Math.round(median(bare)),
    ratio: Number((median(lifeboat) / median(bare)).toFixed(2)),
    runs,
    bundleTargetMet: lifeboatBytes <= 1.5 * 1024 * 1024,
    coldTargetMet: median(lifeboat) <= 1.3 * median(bare),
  };
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
  console.log(`bundle: functions/slack.ts ${mb(lifeboatBytes)} (target ≤ 1.5 MiB), bare Bolt ${mb(bareBytes)}`);
  console.log(
    `cold answer (median of ${runs}): lifeboat ${figures.lifeboatColdAnswerMs} ms, bare Bolt ${figures.bareBoltColdAnswerMs} ms, ratio ${figures.ratio} (target ≤ 1.3)`,
  );
  console.log(JSON.stringify(figures));
} finally {
  rmSync(work, { recursive: true, force: true });
}
