/**
 * `npm run bench -- NAME` runs bench/NAME.ts. Every benchmark prints its figures for people
 * and, as its very last line, one JSON object of the same figures for scripts.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .map((f) => f.replace(/\.ts$/, ""));
const name = process.argv[2];

if (!name || !existsSync(join(here, `${name}.ts`))) {
  process.stderr.write(`usage: npm run bench -- NAME\n  NAME is one of: ${available.join(", ")}\n`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ["--import", "tsx", join(here, `${name}.ts`), ...process.argv.slice(3)], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
