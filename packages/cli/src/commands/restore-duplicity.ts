/**
 * `lifeboat restore duplicity <droplet> <path> <target-dir>`: a path of the droplet's duplicity
 * backup restored into a new directory on the droplet (or on `--to`), with the plan's
 * duplicity settings: the target `run` writes to (`<prefix>duplicity/<droplet>` in the S3/Spaces
 * storage) and its encryption. Secrets come from the environment and reach the droplet on
 * stdin only: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), and
 * DUPLICITY_GPG_SECRET_KEY(_FILE) for `gpg` (the key's passphrase, if any, in
 * DUPLICITY_PASSPHRASE) or DUPLICITY_PASSPHRASE for `passphrase`.
 */
import { readFileSync } from "node:fs";
import { findPlan, type Plan, unknownPlanMessage } from "@lifeboat/core";
import { absolutePath, type RestoreDecryption, restoreDuplicity, UnsafeNameError } from "@lifeboat/remote";
import { duplicityTarget } from "../duplicity-target";
import { EXIT, writeJson } from "../output";
import { BadInput, type CommandContext, type GlobalOptions, withContext } from "./context";
import { openDropletSession } from "./droplet-session";

export interface RestoreDuplicityOptions extends GlobalOptions {
  /** The plan whose duplicity settings apply (default: the one plan that has duplicity). */
  plan?: string;
  /** A duplicity time ("3D", "2026-11-01T00:00:00Z"); default the latest backup. */
  time?: string;
  /** Restore onto this droplet instead. */
  to?: string;
}

export async function restoreDuplicityCommand(
  droplet: string,
  path: string,
  targetDir: string,
  options: RestoreDuplicityOptions,
) {
  return withContext(options, async (ctx) => {
    const plan = duplicityPlan(ctx, options.plan);
    const settings = plan.duplicity!;
    const storage = ctx.config.storage;
    if (storage.type !== "s3") {
      throw new BadInput(
        `duplicity backups live in S3 or Spaces, and ${ctx.configPath} has local storage; set storage to { type: "s3", … } as it was when the backup ran`,
      );
    }
    const from = absolute(path, "<path>, the path as it was backed up");
    const into = absolute(targetDir, "<target-dir>, a directory that does not exist yet");
    const decryption: RestoreDecryption =
      settings.encryption.type === "gpg"
        ? {
            type: "gpg",
            secretKeyArmored: need(
              "DUPLICITY_GPG_SECRET_KEY",
              `with the secret key of ${settings.encryption.keyFingerprint} (gpg --armor --export-secret-keys)`,
            ),
            ...(process.env.DUPLICITY_PASSPHRASE ? { passphrase: process.env.DUPLICITY_PASSPHRASE } : {}),
          }
        : { type: "passphrase", passphrase: need("DUPLICITY_PASSPHRASE", "with the plan's duplicity passphrase") };
    const credentials = {
      accessKeyId: need("AWS_ACCESS_KEY_ID", "to read the duplicity backup in S3/Spaces"),
      secretAccessKey: need("AWS_SECRET_ACCESS_KEY", "to read the duplicity backup in S3/Spaces"),
      ...(process.env.AWS_SESSION_TOKEN ? { sessionToken: process.env.AWS_SESSION_TOKEN } : {}),
    };
    if (options.time !== undefined && !/^[A-Za-z0-9:.+-]+$/.test(options.time)) {
      throw new BadInput(`--time ${JSON.stringify(options.time)} is not a duplicity time such as "3D" or an ISO date`);
    }

    const target = duplicityTarget(storage, droplet);
    const onto = options.to ?? droplet;
    const session = await openDropletSession(ctx, onto);
    try {
      await restoreDuplicity(session, {
        target,
        credentials,
        decryption,
        path: from,
        into,
        ...(options.time ? { time: options.time } : {}),
      });
    } finally {
      session.close();
    }
    const when = options.time ? `as of ${options.time}` : "latest";
    if (options.json) {
      writeJson(process.stdout, { ok: true, droplet, path: from, into, target: onto, plan: plan.name, time: when });
    } else {
      ctx.say(
        `Restored ${from} from ${droplet}'s duplicity backup (${when}, plan ${plan.name}) into ${into} on ${onto}.`,
      );
    }
    return EXIT.ok;
  });
}

/** The named plan, or the one plan with duplicity settings. */
function duplicityPlan(ctx: CommandContext, name: string | undefined): Plan {
  const withDuplicity = ctx.config.plans.filter((p) => p.duplicity);
  if (name !== undefined) {
    const plan = findPlan(ctx.config, name);
    if (!plan) throw new BadInput(unknownPlanMessage(ctx.config, name, ctx.configPath));
    if (!plan.duplicity) throw new BadInput(`plan "${name}" has no duplicity settings in ${ctx.configPath}`);
    return plan;
  }
  const [only, ...more] = withDuplicity;
  if (!only) throw new BadInput(`no plan in ${ctx.configPath} has duplicity settings, so there is nothing to restore`);
  if (more.length > 0) {
    throw new BadInput(
      `several plans have duplicity settings (${withDuplicity.map((p) => p.name).join(", ")}); name one with --plan`,
    );
  }
  return only;
}

function absolute(value: string, what: string): string {
  try {
    return absolutePath(value);
  } catch (error) {
    if (error instanceof UnsafeNameError) throw new BadInput(`${what}: ${error.message}`);
    throw error;
  }
}

/** A secret from the environment (NAME, or NAME_FILE with its path), or BadInput saying which to set. */
function need(name: string, why: string): string {
  const value = process.env[name] || readFile(process.env[`${name}_FILE`], name);
  if (!value) throw new BadInput(`set ${name} (or ${name}_FILE, its path) ${why}`);
  return value;
}

function readFile(path: string | undefined, name: string): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new BadInput(`${name}_FILE ${path} cannot be read`);
  }
}
