/** Config files outside the repository (a temp directory), as a user's /etc/lifeboat would be. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Writes `text` as `name` in a fresh temp directory (removed after the file's tests) and returns its path. */
export function tempConfig(text: string, name = "lifeboat.config.ts"): string {
  const dir = mkdtempSync(join(tmpdir(), "lifeboat-config-"));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A valid config for the sandbox's sample droplets, with `plans` and `ssh` as given (TypeScript text). */
export const sampleConfig = (plans: string, ssh = "{ droplets: {} }") => `import { defineConfig } from "@lifeboat/core";
export default defineConfig({
  plans: ${plans},
  ssh: ${ssh},
  storage: { type: "local", directory: ${JSON.stringify(join(tmpdir(), "lifeboat-test-store"))} },
});
`;
