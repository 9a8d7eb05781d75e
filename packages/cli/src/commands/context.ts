/**
 * What the read-only commands share: the validated config, the environment (sandbox or
 * DigitalOcean, announced in the first line), and the droplets a plan selects.
 */
import { type Droplet, type LifeboatConfig, planDroplets, UnknownPlanError } from "@lifeboat/core";
import { type Environment, EnvironmentError, openEnvironment } from "../environment";
import { loadConfig } from "../load-config";
import { EXIT, printProblems, refuse } from "../output";

export interface GlobalOptions {
  config: string;
  json: boolean;
  speed?: number;
}

export interface CommandContext {
  config: LifeboatConfig;
  configPath: string;
  env: Environment;
  /** A line for people: stdout, or stderr with --json. */
  say: (line: string) => void;
}

/** Bad input thrown inside a command: exit 2 with this message. */
export class BadInput extends Error {}

/**
 * Loads the config, checks the arguments (`check` throws BadInput, before anything is
 * started), opens the environment, runs `fn`, closes. Bad input of any kind is exit 2.
 */
export async function withContext(
  options: GlobalOptions,
  fn: (ctx: CommandContext) => Promise<number>,
  check?: (config: LifeboatConfig, configPath: string) => void,
) {
  const loaded = await loadConfig(options.config);
  if (!loaded.ok) {
    printProblems(loaded.path, loaded.problems, options.json);
    return EXIT.badInput;
  }
  try {
    check?.(loaded.config, loaded.path);
  } catch (error) {
    if (isBadInput(error)) return refuse(options.json, error.message);
    throw error;
  }
  let env: Environment;
  try {
    env = await openEnvironment(options.speed !== undefined ? { speed: options.speed } : {});
  } catch (error) {
    if (error instanceof EnvironmentError) return refuse(options.json, error.message);
    throw error;
  }
  const stream = options.json ? process.stderr : process.stdout;
  const say = (line: string) => void stream.write(`${line}\n`);
  say(env.notice);
  try {
    return await fn({ config: loaded.config, configPath: loaded.path, env, say });
  } catch (error) {
    if (isBadInput(error)) return refuse(options.json, error.message);
    throw error;
  } finally {
    await env.close();
  }
}

/** A mistake in what was asked (an unknown plan is one): refused with its message, exit 2. */
const isBadInput = (error: unknown): error is Error => error instanceof BadInput || error instanceof UnknownPlanError;

export { planDroplets } from "@lifeboat/core";

/** An ISO time without milliseconds. */
export const iso = (d: Date | string) => new Date(d).toISOString().replace(/\.\d{3}Z$/, "Z");

/** The droplet of that name, or (no name) every droplet the plans select, each once. */
export async function dropletsNamedOrPlanned(ctx: CommandContext, name: string | undefined): Promise<Droplet[]> {
  if (name !== undefined) {
    const found = await ctx.env.api.findDroplets({ name }).catch(() => []);
    if (found.length === 0)
      throw new BadInput(`no droplet named "${name}"; \`lifeboat list\` shows the plans' droplets`);
    return found;
  }
  const byId = new Map<number, Droplet>();
  for (const plan of ctx.config.plans) for (const d of await planDroplets(ctx.env.api, plan)) byId.set(d.id, d);
  return [...byId.values()];
}
