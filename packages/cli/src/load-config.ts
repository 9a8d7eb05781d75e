import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type ConfigProblem, type LifeboatConfig, parseConfig } from "@lifeboat/core";
import { bundleForNode } from "../bundle.mjs";

export type LoadedConfig =
  | { ok: true; path: string; config: LifeboatConfig }
  | { ok: false; path: string; problems: ConfigProblem[] };

/** Imports `lifeboat.config.ts` (TypeScript, bundled by esbuild) and validates it. Never throws. */
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
  let exported: unknown;
  try {
    const module = (await import(await bundleForNode(absolute))) as { default?: unknown };
    exported = module.default;
  } catch (error) {
    return {
      ok: false,
      path: absolute,
      problems: [{ path: "(file)", message: `could not load it: ${(error as Error).message.split("\n")[0]}` }],
    };
  }
  if (exported === undefined) {
    return {
      ok: false,
      path: absolute,
      problems: [{ path: "(file)", message: "it has no default export; write `export default defineConfig({ … })`" }],
    };
  }
  const parsed = parseConfig(exported);
  return parsed.ok
    ? { ok: true, path: absolute, config: parsed.config }
    : { ok: false, path: absolute, problems: parsed.problems };
}
