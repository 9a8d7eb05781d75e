/**
 * Bundles TypeScript for plain `node`: the CLI itself and `lifeboat.config.ts`. Running through
 * tsx's loader instead costs ~45 MB of memory (its hooks run in a second V8 isolate) and about
 * a second of start-up; bench/stream measures the CLI both ways.
 *
 * Workspace packages (`@lifeboat/*`, TypeScript sources) are bundled; every other package stays
 * external and is loaded from node_modules as usual, so ssh2 keeps its native crypto binding.
 * The output is written under node_modules/.cache/lifeboat, named by its content, so that
 * processes started together never read each other's half-written file (and a changed config
 * is a new module, not the one already imported); files unused for an hour are removed.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

// Beside the esbuild that runs here: this module may itself be inside a bundle in that cache.
const nodeModules = dirname(dirname(dirname(createRequire(import.meta.url).resolve("esbuild"))));
const cacheDir = join(nodeModules, ".cache", "lifeboat");

// Where `@lifeboat/*` is found: this install of lifeboat, wherever the config file lives.
const ownDir = dirname(fileURLToPath(import.meta.url));

/**
 * Bundles `@lifeboat/*`, resolved from this install (a config in /etc/lifeboat imports the
 * CLI's own @lifeboat/core); leaves every other package external, but by the absolute path it
 * has from the importing file, since packages may each carry their own version (zod 3 and 4 here).
 * @type {import("esbuild").Plugin}
 */
const workspaceOnly = {
  name: "workspace-only",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind === "entry-point" || args.pluginData === "inner") return undefined;
      if (args.path.startsWith("@lifeboat/")) {
        const own = await b.resolve(args.path, { kind: args.kind, resolveDir: ownDir, pluginData: "inner" });
        return own.errors.length > 0 ? { errors: own.errors } : { path: own.path };
      }
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: "inner",
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: resolved.external ? args.path : resolved.path, external: true };
    });
  },
};

/**
 * Bundles `entry` and returns the file: URL of the result, ready for `import()`.
 * @param {string} entry absolute path of a .ts module
 * @returns {Promise<string>}
 */
export async function bundleForNode(entry) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: "node",
    format: "esm",
    target: "node20",
    keepNames: true,
    plugins: [workspaceOnly],
    logLevel: "silent",
  }).catch((error) => {
    // esbuild's own message is "Build failed with 1 error:"; say which line and what.
    const first = error.errors?.[0];
    if (!first) throw error;
    const where = first.location
      ? `${resolve(first.location.file)}:${first.location.line}:${first.location.column + 1}: `
      : "";
    throw new Error(`${where}${first.text}`);
  });
  const code = result.outputFiles[0].contents;
  const name = `${createHash("sha256").update(entry).update(code).digest("hex").slice(0, 16)}.mjs`;
  const path = join(cacheDir, name);
  mkdirSync(cacheDir, { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, code);
  renameSync(temp, path);
  pruneCache(Date.now() - 3_600_000);
  return pathToFileURL(path).href;
}

function pruneCache(before) {
  for (const name of readdirSync(cacheDir)) {
    try {
      const file = join(cacheDir, name);
      if (statSync(file).mtimeMs < before) unlinkSync(file);
    } catch {
      // another process removed it first
    }
  }
}
