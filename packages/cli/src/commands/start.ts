/**
 * `npm start`: the main job. With no DIGITALOCEAN_TOKEN it is the demo: the first plan that
 * powers off (in the sample, "weekly") runs end to end against the built-in sandbox —
 * approval (answered for you), power-off, snapshot, power-on, retention, report — 100× faster
 * than real time, then says how to aim it at real droplets. With a token it is that plan for
 * real: the same run as `lifeboat run <plan>`, approvals asked in the terminal (refused, so
 * nothing is powered off, when there is none). Works without a terminal.
 */
import { loadConfig } from "../load-config";
import { EXIT, printProblems, type Streams } from "../output";
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
  const code = await runCommand(plan.name, { ...options, loaded, demo: true, yes: true }, io, () =>
    text.write(`Demo: plan "${plan.name}" — ${steps} — then a report. Times below are sandbox time.\n`),
  );
  if (code === EXIT.ok || code === EXIT.failed) {
    text.write(
      `\nThat was plan "${plan.name}" from ${loaded.path}, run by the same routine as the Lambda function.\n` +
        "Next: name your droplets in lifeboat.config.ts, `export DIGITALOCEAN_TOKEN=…`, then `npm run lifeboat -- run " +
        `${plan.name}\` (add --yes to approve without being asked), or deploy it: see README "Deploying to AWS".\n`,
    );
  }
  return code;
}
