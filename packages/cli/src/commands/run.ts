/**
 * `lifeboat run <plan>`: the backup routine — the same `runPlan` the Lambda function runs —
 * in this process, with a local DurableSteps, the terminal for approvals, and a live view.
 * Ctrl-C unwinds the routine into its power-on (a second Ctrl-C does not stop that) and exits 130.
 */
import { userInfo } from "node:os";
import {
  findPlan,
  type LifeboatConfig,
  type Plan,
  planDroplets,
  type RunRequest,
  type RunResult,
  redactUrl,
  runPlan,
  unknownDroplets,
  unknownPlanMessage,
  verifyReportLines,
} from "@lifeboat/core";
import { httpPinger } from "@lifeboat/ping";
import { runHistory, storeVerifier } from "@lifeboat/storage";
import { type Environment, EnvironmentError, openEnvironment, openStorage } from "../environment";
import { exitCodeOf } from "../exit-codes";
import { type LoadedConfig, loadConfig } from "../load-config";
import { EXIT, printProblems, refuse, type Streams, writeJson } from "../output";
import { approvalPrompt } from "../run/approval-prompt";
import { backupsLines } from "../run/backups-lines";
import { dryRunReport } from "../run/dry-run-report";
import { cliDropletHosts } from "../run/hosts";
import { interruptionSummary, snapshotsAfterInterrupt } from "../run/interrupted";
import { LocalSteps } from "../run/local-steps";
import { observedApi } from "../run/observed-api";
import { ProgressView } from "../run/progress";
import { stillOffLine } from "../run/still-off";
import { human, table } from "../table";

export interface RunCommandOptions {
  config: string;
  json: boolean;
  speed?: number;
  droplet?: string[];
  dryRun?: boolean;
  yes?: boolean;
  /** `npm start`: always the embedded sandbox, approvals answered for you. */
  demo?: boolean;
  /** The config when the caller has loaded it already (`npm start`): bundling it twice costs ~0.3 s. */
  loaded?: LoadedConfig;
}

export async function runCommand(
  planName: string,
  options: RunCommandOptions,
  io: Streams,
  /** Writes lines right after the first (the demo's introduction). */
  intro?: () => void,
): Promise<number> {
  const loaded = options.loaded ?? (await loadConfig(options.config));
  if (!loaded.ok) {
    printProblems(loaded.path, loaded.problems, options.json);
    return EXIT.badInput;
  }
  const plan = findPlan(loaded.config, planName);
  if (!plan) return refuse(options.json, unknownPlanMessage(loaded.config, planName, loaded.path));
  let env: Environment;
  try {
    env = await openEnvironment({
      ...(options.speed !== undefined ? { speed: options.speed } : {}),
      forceSandbox: options.demo ?? false,
    });
  } catch (error) {
    if (error instanceof EnvironmentError) return refuse(options.json, error.message);
    throw error;
  }
  // Text goes to stdout; with --json, stdout holds only the JSON object and the live lines go to stderr.
  const text = options.json ? io.err : io.out;
  text.write(`${env.notice}\n`);
  intro?.();
  try {
    if (options.droplet?.length) {
      const unknown = unknownDroplets(plan, await planDroplets(env.api, plan), options.droplet);
      if (unknown) return refuse(options.json, unknown);
    }
    return await execute(env, loaded.config, plan, options, io, text);
  } finally {
    await env.close();
  }
}

async function execute(
  env: Environment,
  config: LifeboatConfig,
  plan: Plan,
  options: RunCommandOptions,
  io: Streams,
  text: Streams["out"],
): Promise<number> {
  const steps = new LocalSteps(env.time);
  const view = new ProgressView(text, env.time);
  const by = `cli:${safeUser()}`;

  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    // Named by the status last read, not by the phase: a droplet being shut down or snapshotted live is still on.
    const off = view.dropletsOff();
    const which = off.length ? `powering ${off.join(", ")} back on…` : "no droplet is off; finishing the current call…";
    const done = view
      .snapshots()
      .filter((s) => s.status === "completed")
      .map((s) => ` Snapshot ${s.name} of ${s.droplet} is done.`)
      .join("");
    if (interrupts === 1) {
      view.say(`Ctrl-C: stopping the run — ${which} (a second Ctrl-C does not stop this)${done}`);
      steps.interrupt();
      prompt.close();
    } else {
      view.say(`Still ${which} lifeboat exits as soon as the droplet is back.`);
    }
  };
  const prompt = approvalPrompt({
    yes: options.yes ?? false,
    by,
    ...(io.in.isTTY && !options.demo ? { terminal: { input: io.in, output: text } } : {}),
    say: (line) => view.say(line),
    pause: (p) => view.pause(p),
    answer: (id, value) => steps.answer(id, value),
    onInterrupt,
    ...(options.demo ? { autoNote: "— answered for you by the demo; a real run asks in Slack or here" } : {}),
  });
  view.onApproval = prompt.ask;
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);

  // On this machine the person at the terminal (who holds the token) is the approver; the
  // plan's Slack approver ids stay what governs clicks in Slack.
  const local: LifeboatConfig = {
    ...config,
    plans: config.plans.map((p) => ({
      ...p,
      snapshot: { ...p.snapshot, approval: { ...p.snapshot.approval, approvers: [] } },
    })),
  };
  const request: RunRequest = {
    plan: plan.name,
    trigger: "cli",
    requestedBy: by,
    ...(options.droplet?.length ? { droplets: options.droplet } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
  };
  // The built-in sandbox's droplets are not the user's: a success ping from them would hide a real miss.
  const pings = env.target !== "sandbox";
  if (plan.notify.ping && !pings && !options.dryRun) {
    text.write(`Not pinging ${redactUrl(plan.notify.ping)}: these are the built-in sandbox's droplets, not yours.\n`);
  }
  const sink = openStorage(config);
  let result: RunResult;
  view.startLive();
  try {
    result = await runPlan(
      steps,
      {
        api: observedApi(env.api, view),
        events: view,
        hosts: cliDropletHosts(config, sink, env.target),
        history: runHistory(sink),
        now: () => env.time.now(),
        ...(pings ? { pinger: httpPinger() } : {}),
        verifyStore: storeVerifier(sink),
      },
      local,
      request,
    );
  } finally {
    view.stop();
    prompt.close();
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
  }
  const interrupted = steps.interrupted;
  if (interrupted) result = await snapshotsAfterInterrupt(result, view, env.api);
  const exitCode = exitCodeOf(result.outcome);
  if (options.json) {
    writeJson(io.out, {
      ok: exitCode === EXIT.ok,
      exitCode,
      target: env.target,
      interrupted,
      ...result,
      events: view.events,
    });
  } else {
    text.write(`\n${result.dryRun ? dryRunReport(result) : report(result)}\n`);
    if (interrupted) text.write(`${interruptionSummary(result, view)}\n`);
    if (result.historyError) text.write(`Run history: ${result.historyError} (the backup itself stands).\n`);
    const stillOff = stillOffLine(result, plan);
    if (stillOff) text.write(`${stillOff}\n`);
    for (const failure of result.pingFailures ?? [])
      text.write(`Ping not delivered (the run's outcome stands): ${failure}\n`);
  }
  return exitCode;
}

/** The final report: one row per droplet. */
export function report(result: RunResult): string {
  const rows = result.droplets.map((d) => [
    d.droplet,
    d.outcome,
    d.snapshot ?? "—",
    d.downtimeSeconds !== undefined ? human(d.downtimeSeconds) : "—",
    phasesCell(d.phases),
  ]);
  const head = `Run ${result.runId} (plan ${result.plan}): ${result.outcome}${result.error ? ` — ${result.error}` : ""}, ${human(result.durationSeconds)}`;
  const details = result.droplets.filter((d) => d.detail).map((d) => `  ${d.droplet}: ${d.detail}`);
  const verify = result.verify ? ["", ...verifyReportLines(result.verify)] : [];
  return [
    head,
    "",
    table(["droplet", "outcome", "snapshot", "downtime", "phases"], rows),
    "",
    ...details,
    ...backupsLines(result.backups),
    ...verify,
  ].join("\n");
}

/** "approval ✓ power off ✓ snapshot ✗ (3 skipped)": done and failed phases in order, skipped ones counted. */
function phasesCell(phases: Record<string, string>): string {
  const shown = Object.entries(phases)
    .filter(([, s]) => s !== "skipped")
    .map(([phase, s]) => `${phase} ${s === "done" ? "✓" : "✗"}`);
  const skipped = Object.values(phases).filter((s) => s === "skipped").length;
  return [...shown, ...(skipped ? [`(${skipped} skipped)`] : [])].join(" ");
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "local";
  }
}
