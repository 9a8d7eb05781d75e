/** The `lifeboat` command. Each subcommand lives in ./commands; this file only parses argv. */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { costCommand } from "./commands/cost";
import { listCommand } from "./commands/list";
import { planCommand } from "./commands/plan";
import { restoreArchiveCommand, restoreSnapshotCommand } from "./commands/restore";
import { retentionCommand } from "./commands/retention";
import { runCommand } from "./commands/run";
import { sandboxCommand } from "./commands/sandbox";
import { startCommand } from "./commands/start";
import { watchdogCommand } from "./commands/watchdog";
import { EXIT, processStreams } from "./output";

const positive = (value: string): number => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError("expected a positive number, e.g. 100");
  return n;
};

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
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

type Global = { config: string; json: boolean; speed?: number };
const global = () => program.opts<Global>();
const set = async (code: Promise<number>) => {
  process.exitCode = await code;
};

program
  .command("run")
  .description("back up a plan's droplets now: approval, power off, snapshot, power on, retention")
  .argument("<plan>", "the plan's name in the config")
  .option("-d, --droplet <name...>", "only these droplets of the plan")
  .option("--dry-run", "retention only reports what it would delete (the snapshot is still taken)", false)
  .option("-y, --yes", "approve the power-off without asking", false)
  .addHelpText("after", "\nExit codes: 0 ok, 1 the run failed, 2 bad input, 130 stopped by Ctrl-C (droplets back on).")
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
  .description("snapshots and archive runs lifeboat made, per droplet")
  .argument("[droplet]", "one droplet's name (default: every droplet the plans name)")
  .action((droplet: string | undefined) => set(listCommand(droplet, global())));

const restore = program
  .command("restore")
  .description("restore a snapshot to a new droplet, or an archive on a droplet");
restore
  .command("snapshot")
  .description("create a new droplet from a lifeboat snapshot")
  .argument("<snapshot>", "the snapshot's name (see `lifeboat list`) or id")
  .option("--name <droplet>", "the new droplet's name (default: <droplet>-restored)")
  .option("--size <slug>", "droplet size (default: the original droplet's)")
  .option("--region <slug>", "region (default: the snapshot's)")
  .action((snapshot: string, o: { name?: string; size?: string; region?: string }) =>
    set(restoreSnapshotCommand(snapshot, { ...global(), ...o })),
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
  .action((droplet: string, run: string, container: string, o: { to?: string }) =>
    set(restoreArchiveCommand({ kind: "image", droplet, run, name: container, ...o }, global())),
  );

program
  .command("cost")
  .description("what the kept snapshots and archives cost per month, per plan")
  .action(() => set(costCommand(global())));

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
    // --help and --version exit 0; a bad flag or command is bad input.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  } else {
    process.stderr.write(`lifeboat: ${(error as Error).message ?? error}\n`);
    process.exitCode = EXIT.failed;
  }
}
