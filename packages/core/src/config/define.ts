import type { z } from "zod";
import { type ConfigProblem, toProblems } from "./problems";
import { configSchema, type LifeboatConfig, type LifeboatConfigInput } from "./schema";

/**
 * Typed helper for `lifeboat.config.ts`; the file is validated when it is loaded.
 * @example export default defineConfig({ plans: [{ name: "nightly", schedule: "cron(0 3 * * ? *)", droplets: [{ name: "web-1" }] }] });
 */
export function defineConfig(config: LifeboatConfigInput): LifeboatConfigInput {
  return config;
}

export type ParsedConfig = { ok: true; config: LifeboatConfig } | { ok: false; problems: ConfigProblem[] };

/** Validates a config, reporting every problem at once. */
export function parseConfig(input: unknown): ParsedConfig {
  const result = configSchema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, problems: toProblems(result.error.issues, KNOWN_KEYS) };
}

/** Thrown where a bad config must stop everything; its message lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `lifeboat.config.ts has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

/** Like parseConfig, but throws a ConfigError. */
export function validateConfig(input: unknown): LifeboatConfig {
  const parsed = parseConfig(input);
  if (!parsed.ok) throw new ConfigError(parsed.problems);
  return parsed.config;
}

/** Every key the schema knows, for "did you mean …?" on a misspelt one. */
function collectKeys(schema: z.core.$ZodType, into: Set<string>, seen = new Set<unknown>()): Set<string> {
  if (seen.has(schema)) return into;
  seen.add(schema);
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const visit = (s: unknown) => s && collectKeys(s as z.core.$ZodType, into, seen);
  switch (def.type) {
    case "object":
      for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) {
        into.add(key);
        visit(value);
      }
      break;
    case "array":
      visit(def.element);
      break;
    case "union":
      for (const option of def.options as unknown[]) visit(option);
      break;
    case "record":
      visit(def.valueType);
      break;
    case "pipe":
      visit(def.in);
      break;
    default:
      visit(def.innerType);
  }
  return into;
}

const KNOWN_KEYS: ReadonlySet<string> = collectKeys(configSchema, new Set());
