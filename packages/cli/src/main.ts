/** The `lifeboat` command. Each subcommand lives in ./commands; this file only parses argv. */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { costCommand } from "./commands/cost";
import { drillCommand } from "./commands/drill";
import { keepCommand } from "./commands/keep";
import { listCommand } from "./commands/list";
import { planCommand } from "./commands/plan";
import {
  restoreArchiveCommand,
  restoreBackupCommand,
  restoreDuplicityCommand,
  restoreSnapshotCommand,
} from "./commands/restore";
import type { RestoreBackupOptions } from "./commands/restore-backup";
import { retentionCommand } from "./commands/retention";
import { runCommand } from "./commands/run";
import { runsCommand, showCommand } from "./commands/runs";
import { sandboxCommand } from "./commands/sandbox";
import { startCommand } from "./commands/start";
import { verifyCommand } from "./commands/verify";
import { watchdogCommand } from "./commands/watchdog";
import { exitCodeHelp } from "./exit-codes";
import { EXIT, processStreams, writeJson, wroteJson } from "./output";

const positive = (value: string): number => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError("expected a positive number, e.g. 100");
  return n;
};

/** `--droplet a,b --droplet c` → ["a", "b", "c"]: repeatable, so it never swallows the plan name after it. */
const dropletNames = (value: string, previous: string[] = []): string[] => {
  const names = value
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError("expected a droplet name, e.g. --droplet web-1");
  return [...previous, ...names];
};

/** `--json` anywhere before `--`: known even when commander stops at a bad flag before parsing it. */
const jsonRequested = (argv: string[]) => {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
};
const json = jsonRequested(process.argv.slice(2));
/** With --json, help is the JSON object's `help`, and commander's messages go to stderr only. */
let helpText = "";

const program = new Command("lifeboat")
  .description(
    "Backups for DigitalOcean droplets: snapshots, container images, volumes, duplicity.\n" +
      "Without DIGITALOCEAN_TOKEN every command uses a built-in sandbox with sample droplets.",
  )
  .option("-c, --config <path>", "the plan configuration", "lifeboat.config.ts")
  .option("--json", "print one JSON object on stdout instead of text", false)
  .addOption(
    new Option("--speed <factor>", "sandbox only: run time this many times faster (default 100 built in)").argParser(
      positive,
    ),
  )
  .addHelpText("after", `\n${exitCodeHelp()}`)
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride()
  .configureOutput({
    outputError: (text, write) => write(text),
    writeOut: (text) => {
      if (json) helpText += text;
      else process.stdout.write(text);
    },
  });

type Global = { config: string; json: boolean; speed?: number };
const global = () => program.opts<Global>();
const set = async (code: Promise<number>) => {
  process.exitCode = await code;
};

program
  .command("run")
  .description("back up a plan's droplets now: approval, power off, snapshot, power on, retention")
  .argument("<plan>", "the plan's name in the config")
  .option(
    "-d, --droplet <names>",
    "only these droplets of the plan: repeat it or separate names with commas (--droplet ssh,gitlab)",
    dropletNames,
  )
  .option(
    "--dry-run",
    "change nothing: show what a real run would do (downtime, snapshot name, archives and sizes, retention)",
    false,
  )
  .option("-y, --yes", "approve the power-off without asking", false)
  .addHelpText("after", `\nExample: lifeboat run weekly --droplet ssh --droplet gitlab --yes\n\n${exitCodeHelp()}`)
  .action((plan: string, o: { droplet?: string[]; dryRun: boolean; yes: boolean }) =>
    set(runCommand(plan, { ...global(), ...o }, processStreams)),
  );

program
  .command("start")
  .description("`npm start`: the first offline plan end to end — the sandbox demo, or for real with DIGITALOCEAN_TOKEN")
  .action(() => set(startCommand(global(), processStreams)));

program
  .command("plan")
  .description("validate the config; show each plan's schedule, next runs and what it will do")
  .action(() => set(planCommand(global())));

program
  .command("retention")
  .description("what the plan's retention policy keeps now, and over time with --simulate")
  .argument("<plan>", "the plan's name in the config")
  .option("--simulate <period>", "also simulate the policy over this period: 6m (months) or 2y (years)")
  .action((plan: string, o: { simulate?: string }) => set(retentionCommand(plan, { ...global(), ...o })));

program
  .command("list")
  .description("snapshots and archive runs lifeboat made, and DigitalOcean's backups, per droplet")
  .argument("[droplet]", "one droplet's name (default: every droplet the plans name)")
  .action((droplet: string | undefined) => set(listCommand(droplet, global())));

program
  .command("keep")
  .description("turn a DigitalOcean backup into a snapshot that outlives the droplet; retention never deletes it")
  .argument("<backup>", 'the backup\'s id or name (see `lifeboat list`, kind "backup")')
  .option("--droplet <name>", "the droplet the backup is of (default: search the plans' droplets)")
  .action((backup: string, o: { droplet?: string }) => set(keepCommand(backup, { ...global(), ...o })));

const restore = program
  .command("restore")
  .description("restore a snapshot or a DigitalOcean backup to a new droplet, or an archive on a droplet");
restore
  .command("snapshot")
  .description("create a new droplet from a lifeboat snapshot")
  .argument("<snapshot>", "the snapshot's name (see `lifeboat list`) or id")
  .option("--name <droplet>", "the new droplet's name (default: <droplet>-restored)")
  .option("--size <slug>", "droplet size (default: the original droplet's)")
  .option("--region <slug>", "region (default: the snapshot's)")
  .option("-y, --yes", "create the (billed) droplet without asking; needed without a terminal", false)
  .action((snapshot: string, o: { name?: string; size?: string; region?: string; yes: boolean }) =>
    set(restoreSnapshotCommand(snapshot, { ...global(), ...o })),
  );
restore
  .command("backup")
  .description("a new droplet from a DigitalOcean backup, or with --in-place the droplet overwritten by it")
  .argument("<backup>", 'the backup\'s id or name (see `lifeboat list`, kind "backup")')
  .option("--droplet <name>", "the droplet the backup is of (default: search the plans' droplets)")
  .option("--name <droplet>", "the new droplet's name (default: <droplet>-restored)")
  .option("--size <slug>", "droplet size (default: the original droplet's)")
  .option("--region <slug>", "region (default: the original droplet's)")
  .option("-y, --yes", "create the (billed) droplet without asking; needed without a terminal", false)
  .option("--in-place", "overwrite the droplet itself with the backup (asks you to type its name)", false)
  .option("--confirm <droplet>", "with --in-place and no terminal: the droplet's name, confirming the overwrite")
  .action((backup: string, o: Omit<RestoreBackupOptions, keyof Global>) =>
    set(restoreBackupCommand(backup, { ...global(), ...o })),
  );
restore
  .command("volume")
  .description("restore a Docker volume archive onto a droplet over SSH (checksum checked first)")
  .argument("<droplet>", "the droplet the archive came from")
  .argument("<run>", "the archive run id (see `lifeboat list`)")
  .argument("<volume>", "the volume's name in that run")
  .option("--into <volume>", "the volume to restore into (default: <volume>-restored)")
  .option("--to <droplet>", "restore onto this droplet (default: the same one)")
  .action((droplet: string, run: string, volume: string, o: { into?: string; to?: string }) =>
    set(restoreArchiveCommand({ kind: "volume", droplet, run, name: volume, ...o }, global())),
  );
restore
  .command("image")
  .description("load a container image archive onto a droplet over SSH (docker load; checksum checked first)")
  .argument("<droplet>", "the droplet the archive came from")
  .argument("<run>", "the archive run id (see `lifeboat list`)")
  .argument("<container>", "the container whose image was captured")
  .option("--to <droplet>", "restore onto this droplet (default: the same one)")
  .option("--tag <repo:tag>", "the name to give the image (default: the container's image, from the manifest)")
  .action((droplet: string, run: string, container: string, o: { to?: string; tag?: string }) =>
    set(restoreArchiveCommand({ kind: "image", droplet, run, name: container, ...o }, global())),
  );
restore
  .command("duplicity")
  .description("restore a path of a droplet's duplicity backup into a new directory on it, over SSH")
  .argument("<droplet>", "the droplet whose backup it is")
  .argument("<path>", "the absolute path as it was backed up, e.g. /srv/app")
  .argument("<target-dir>", "a directory on the droplet that does not exist yet, e.g. /root/restored-app")
  .option("--plan <name>", "the plan whose duplicity settings apply (default: the one plan with duplicity)")
  .option("--time <time>", 'the backup to restore: "3D" (3 days ago) or an ISO time (default: the latest)')
  .option("--to <droplet>", "restore onto this droplet (default: the same one)")
  .action((droplet: string, path: string, targetDir: string, o: { plan?: string; time?: string; to?: string }) =>
    set(restoreDuplicityCommand(droplet, path, targetDir, { ...global(), ...o })),
  );

const wholeCount = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number ≥ 1, e.g. --last 10");
  return n;
};

program
  .command("runs")
  .description("the run history, newest first: every run's record (deployed or local), from the configured storage")
  .argument("[plan]", "only this plan's runs")
  .addOption(new Option("--last <n>", "show the newest n runs (default 20)").argParser(wholeCount))
  .action((plan: string | undefined, o: { last?: number }) => set(runsCommand(plan, { ...global(), ...o })));

program
  .command("show")
  .description("one run's record in full: per droplet, snapshot, downtime, archives, duplicity, retention, errors")
  .argument("<runId>", "the run's id (see `lifeboat runs`)")
  .action((runId: string) => set(showCommand(runId, global())));

program
  .command("verify")
  .description(
    "check the stored backups are whole: latest archive run (manifest, sizes, sha256 with --read-data), duplicity chain, latest snapshot",
  )
  .argument("[target]", "a plan or a droplet (default: every droplet the plans name)")
  .option("--read-data [fraction]", "also read back this share of the archives (bare: all) and check sha256 and tar")
  .option("--seed <n>", "the seed that picks the archives read back, as a report printed it (repeats its pick)")
  .option("--prune", "delete debris: run directories without a manifest older than a day (lifeboat's keys only)", false)
  .addHelpText("after", `\nExample: lifeboat verify nightly --read-data=0.1\n\n${exitCodeHelp()}`)
  .action((target: string | undefined, o: { readData?: string | boolean; seed?: string; prune: boolean }) =>
    set(verifyCommand(target, { ...global(), ...o })),
  );

program
  .command("cost")
  .description("what the kept snapshots and archives cost per month, per plan, and the droplets' DigitalOcean Backups")
  .action(() => set(costCommand(global())));

program
  .command("drill")
  .description(
    "restore drill: boot the droplet's latest lifeboat snapshot on an isolated scratch droplet, check it, destroy it",
  )
  .argument("<droplet>", "the droplet whose snapshot is drilled")
  .option("--plan <plan>", "the plan whose snapshots and drill checks to use (default: the plan that backs it up)")
  .option("--snapshot <name>", "a lifeboat snapshot of the droplet (default: its latest)")
  .option("--keep", "leave the scratch droplet running; the report says how to destroy it", false)
  .action((droplet: string, o: { plan?: string; snapshot?: string; keep: boolean }) =>
    set(drillCommand(droplet, { ...global(), ...o })),
  );

program
  .command("watchdog")
  .description("power on droplets lifeboat left off past maxDowntime, untag them, clear expired claims; every 5 min")
  .option("--once", "one round, then exit", false)
  .action((o: { once: boolean }) => set(watchdogCommand({ ...global(), ...o })));

program
  .command("sandbox")
  .description("start the DigitalOcean sandbox with the sample droplets; print its endpoint and token; Ctrl-C stops it")
  .action(() => set(sandboxCommand(global())));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help exits 0; a bad flag or command, or none, is bad input.
    const code = error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    process.exitCode = code;
    if (json && !wroteJson()) {
      writeJson(
        process.stdout,
        code === EXIT.ok ? { ok: true, help: helpText } : { ok: false, exitCode: code, error: commanderMessage(error) },
      );
    }
  } else {
    const message = (error as Error).message ?? String(error);
    process.stderr.write(`lifeboat: ${message}\n`);
    process.exitCode = EXIT.failed;
    if (json && !wroteJson()) writeJson(process.stdout, { ok: false, exitCode: EXIT.failed, error: message });
  }
}

/** commander's message without its "error: " prefix; "no command" when it only printed the help. */
function commanderMessage(error: CommanderError): string {
  if (error.code === "commander.help" || error.code === "commander.helpDisplayed") {
    return "no command given; run `lifeboat --help` for the commands";
  }
  return error.message.replace(/^error: /, "");
}
