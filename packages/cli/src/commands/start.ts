/**
 * `npm start`: the main job. With no DIGITALOCEAN_TOKEN it is the demo: the first plan that
 * powers off (in the sample, "weekly") runs end to end against the built-in sandbox —
 * approval (answered for you), power-off, snapshot, power-on, retention, report — 100× faster
 * than real time, then says how to aim it at real droplets. With a token it is that plan for
 * real: the same run as `lifeboat run <plan>`, approvals asked in the terminal (refused, so
 * nothing is powered off, when there is none). Works without a terminal.
 *
 * When a Docker engine answers here, the demo also runs the SSH half on the sample droplet
 * `ssh` through the local shell against a demo container it creates and removes
 * (../run/docker-demo.ts); without one it says in one line what it skipped.
 */
import type { LifeboatConfig, Plan } from "@lifeboat/core";
import { openStorage } from "../environment";
import { type LoadedConfig, loadConfig } from "../load-config";
import { EXIT, printProblems, type Streams } from "../output";
import {
  createDemoApp,
  DEMO_CONTAINER,
  DEMO_DROPLET,
  demoConfig,
  demoImage,
  demoReport,
  demoRunIds,
  dockerAnswers,
  removeDemoApp,
} from "../run/docker-demo";
import { runCommand } from "./run";

export async function startCommand(options: { config: string; json: boolean; speed?: number }, io: Streams) {
  const loaded = await loadConfig(options.config);
  if (!loaded.ok) {
    printProblems(loaded.path, loaded.problems, options.json);
    return EXIT.badInput;
  }
  const plans = loaded.config.plans;
  const plan = plans.find((p) => p.snapshot.mode === "offline") ?? plans[0];
  if (!plan) return EXIT.badInput; // the schema requires at least one plan
  const text = options.json ? io.err : io.out;
  if (process.env.DIGITALOCEAN_TOKEN) {
    return runCommand(plan.name, { ...options, loaded, demo: false, yes: false }, io, () =>
      text.write(
        `npm start with DIGITALOCEAN_TOKEN set: plan "${plan.name}" for real (unset the token for the sandbox demo).\n`,
      ),
    );
  }
  const steps = plan.snapshot.approval.required
    ? "approval, power off, snapshot, power on, retention"
    : "power off, snapshot, power on, retention";
  const docker = await dockerHalf(loaded.config, plan);
  if (docker.interrupted) return EXIT.interrupted;
  const demoLoaded: LoadedConfig = docker.config ? { ...loaded, config: docker.config } : loaded;
  let code: number;
  try {
    code = await runCommand(plan.name, { ...options, loaded: demoLoaded, demo: true, yes: true }, io, () => {
      text.write(`Demo: plan "${plan.name}" — ${steps} — then a report. Times below are sandbox time.\n`);
      text.write(`${docker.line}\n`);
    });
  } finally {
    if (docker.config) await removeDemoApp();
  }
  if (docker.config && docker.before && loaded.config.storage.type === "local") {
    const report = await demoReport(
      openStorage(loaded.config),
      loaded.config.storage.directory,
      docker.before,
      demoImage(),
    );
    text.write(`\n${report ?? `Droplet ${DEMO_DROPLET} stored no archive: see its line in the report above.`}\n`);
  }
  if (code === EXIT.ok || code === EXIT.failed) {
    text.write(
      `\nThat was plan "${plan.name}" from ${loaded.path}, run by the same routine as the Lambda function.\n` +
        "Next: name your droplets in lifeboat.config.ts, `export DIGITALOCEAN_TOKEN=…`, then `npm run lifeboat -- run " +
        `${plan.name}\` (add --yes to approve without being asked), or deploy it: see README "Deploying to AWS".\n`,
    );
  }
  return code;
}

/**
 * Whether the demo runs the SSH half: a Docker engine answers, the config's storage is local
 * and the demo container started. Ctrl-C while it is being created removes it and stops.
 */
async function dockerHalf(
  config: LifeboatConfig,
  plan: Plan,
): Promise<{ line: string; config?: LifeboatConfig; before?: Set<string>; interrupted?: boolean }> {
  const how =
    "with Docker running here (or DOCKER_HOST set), npm start also archives a demo container's image and volume";
  if (config.storage.type !== "local") {
    return {
      line: `SSH phases skipped: the demo archives into local storage, and this config's is ${config.storage.type}.`,
    };
  }
  const answers = await dockerAnswers();
  if (!answers.ok) return { line: `SSH phases skipped: no Docker engine answers here (${answers.reason}); ${how}.` };
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
  };
  process.on("SIGINT", onInterrupt);
  const image = demoImage();
  try {
    const created = await createDemoApp(image);
    if (interrupted) {
      await removeDemoApp();
      return { line: "", interrupted: true };
    }
    if (!created.ok) {
      await removeDemoApp();
      return { line: `SSH phases skipped: the demo container did not start (${created.reason}); ${how}.` };
    }
    return {
      line:
        `Docker answers here: droplet ${DEMO_DROPLET} also gets the SSH half (transport "local") — image and volume of ` +
        `the demo container ${DEMO_CONTAINER} (${image}) into ${config.storage.directory}/, removed afterwards.`,
      config: demoConfig(config, plan, image),
      before: await demoRunIds(openStorage(config)),
    };
  } finally {
    process.off("SIGINT", onInterrupt);
  }
}
