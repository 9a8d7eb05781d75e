#!/usr/bin/env -S npx tsx
/** The `lifeboat` command. Each subcommand lives in ./commands; this file only parses argv. */
import { Command, CommanderError } from "commander";
import { planCommand } from "./commands/plan";
import { EXIT } from "./output";

const program = new Command("lifeboat")
  .description("Backups for DigitalOcean droplets: snapshots, container images, volumes, duplicity")
  .option("-c, --config <path>", "the plan configuration", "lifeboat.config.ts")
  .option("--json", "print one JSON object instead of text", false)
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

program
  .command("plan")
  .description("validate the config; show each plan's schedule, next runs and what it will do")
  .action(async () => {
    process.exitCode = await planCommand(program.opts());
  });

program
  .command("start")
  .description("what `npm start` runs: for now, validate the config and show the plans")
  .action(async () => {
    process.exitCode = await planCommand(program.opts());
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; a bad flag or command is bad input.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  } else {
    process.stderr.write(`lifeboat: ${(error as Error).stack ?? error}\n`);
    process.exitCode = EXIT.failed;
  }
}
