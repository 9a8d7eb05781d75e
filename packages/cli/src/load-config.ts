import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type ConfigProblem, type LifeboatConfig, parseConfig } from "@lifeboat/core";
import { bundleForNode } from "../bundle.mjs";

export type LoadedConfig =
  | { ok: true; path: string; config: LifeboatConfig }
  | { ok: false; path: string; problems: ConfigProblem[] };

/** How long a config may take to evaluate (its top-level `await`s included) before it is refused. */
export const CONFIG_EVALUATION_LIMIT_MS = 10_000;

/**
 * Imports `lifeboat.config.ts` (TypeScript, bundled by esbuild) and validates it. Never throws:
 * a file that throws while evaluated or validated, or whose top-level `await` does not settle
 * within the limit, is a problem of that file (exit 2), not a crash.
 */
export async function loadConfig(path = "lifeboat.config.ts"): Promise<LoadedConfig> {
  const absolute = resolve(path);
  if (!existsSync(absolute)) {
    return {
      ok: false,
      path: absolute,
      problems: [
        {
          path: "(file)",
          message: `${absolute} does not exist; create it (see the sample in the repository) or pass --config PATH`,
        },
      ],
    };
  }
  const fileProblem = (message: string): LoadedConfig => ({
    ok: false,
    path: absolute,
    problems: [{ path: "(file)", message }],
  });
  let exported: unknown;
  let timer: NodeJS.Timeout | undefined;
  try {
    const url = await bundleForNode(absolute);
    // A top-level await that never settles would otherwise end node with exit 13 and no word.
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), CONFIG_EVALUATION_LIMIT_MS);
    });
    const module = await Promise.race([import(url) as Promise<{ default?: unknown }>, late]);
    if (module === "late") {
      return fileProblem(
        `it did not finish loading within ${CONFIG_EVALUATION_LIMIT_MS / 1000} s (a top-level await that never settles?); the config must evaluate without waiting on anything`,
      );
    }
    exported = module.default;
  } catch (error) {
    return fileProblem(`could not load it: ${firstLine(error)}`);
  } finally {
    clearTimeout(timer);
  }
  if (exported === undefined) {
    return {
      ok: false,
      path: absolute,
      problems: [{ path: "(file)", message: "it has no default export; write `export default defineConfig({ … })`" }],
    };
  }
  let parsed: ReturnType<typeof parseConfig>;
  try {
    parsed = parseConfig(exported);
  } catch (error) {
    // e.g. a getter in the exported object that throws when the validator reads it
    return fileProblem(`reading its settings threw: ${firstLine(error)}`);
  }
  return parsed.ok
    ? { ok: true, path: absolute, config: parsed.config }
    : { ok: false, path: absolute, problems: parsed.problems };
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0];
