/**
 * `lifeboat verify [plan|droplet] [--read-data[=FRACTION]] [--seed N] [--prune]`: the stored
 * backups are whole. For each droplet the plans name (or the one plan's, or the one droplet):
 * its latest complete archive run, its duplicity chain, its latest lifeboat snapshot; with a plan's
 * `verify.duplicityPath`, `duplicity verify` of it on the droplet (./verify-duplicity.ts). The
 * checks are core's (`verifyDroplet`, `followDuplicityVerify`); this file picks the droplets and prints.
 */
import { randomInt } from "node:crypto";
import { UnknownVerifyTarget, verifyAll, verifyReport, verifyReportLines, verifyTargets } from "@lifeboat/core";
import { storeVerifier } from "@lifeboat/storage";
import { openStorage } from "../environment";
import { EXIT, writeJson } from "../output";
import { BadInput, type CommandContext, type GlobalOptions, withContext } from "./context";
import { duplicityVerifyFindings } from "./verify-duplicity";

export interface VerifyCommandOptions extends GlobalOptions {
  /** `--read-data` bare is `true` (everything); with a value, that fraction. */
  readData?: string | boolean;
  seed?: string;
  prune: boolean;
}

/** `--read-data` → a fraction 0…1 (bare: 1), or BadInput saying what it takes. */
export function readDataFraction(value: string | boolean | undefined): number {
  if (value === undefined || value === false) return 0;
  if (value === true) return 1;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new BadInput(`--read-data=${value}: expected a fraction from 0 to 1, e.g. --read-data=0.1 for a tenth`);
  }
  return n;
}

function seedOf(value: string | undefined): number {
  if (value === undefined) return randomInt(0, 2 ** 32 - 1);
  if (!/^\d+$/.test(value) || Number(value) > 2 ** 32 - 1) {
    throw new BadInput(`--seed ${value}: expected a whole number from 0 to 4294967295, as a report printed it`);
  }
  return Number(value);
}

export async function verifyCommand(target: string | undefined, options: VerifyCommandOptions) {
  let readData = 0;
  let seed = 0;
  return withContext(
    options,
    async (ctx) => {
      const sink = openStorage(ctx.config);
      const targets = await targetsOf(ctx, target);
      const stored = await verifyAll({ api: ctx.env.api, store: storeVerifier(sink), now: Date.now() }, targets, {
        readData,
        seed,
        prune: options.prune,
      });
      const onDroplets = await duplicityVerifyFindings(ctx.config, ctx.env, sink, targets);
      const report = verifyReport([...stored.findings, ...onDroplets], seed, readData);
      if (options.json) writeJson(process.stdout, { ...report, exitCode: report.ok ? EXIT.ok : EXIT.failed });
      else for (const line of verifyReportLines(report)) ctx.say(line);
      return report.ok ? EXIT.ok : EXIT.failed;
    },
    () => {
      readData = readDataFraction(options.readData);
      seed = seedOf(options.seed);
    },
  );
}

/** The droplets to verify; a target that is neither a plan nor a droplet is bad input. */
async function targetsOf(ctx: CommandContext, target: string | undefined) {
  try {
    return await verifyTargets(ctx.env.api, ctx.config, target);
  } catch (error) {
    if (error instanceof UnknownVerifyTarget) throw new BadInput(error.message);
    throw error;
  }
}
