/**
 * SST's `initProject` for a stack test, with the function bundles written to a directory of
 * this test file's own: SST puts them in `.sst/artifacts/<hash>/`, and stack test files run in
 * parallel would otherwise write and read the same files at once (ENOENT on a .mjs.map).
 */
import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initProject, useProject } from "sst/project.js";

export async function initTestProject(): Promise<void> {
  await initProject({ stage: "test" });
  const artifacts = await mkdtemp(join(tmpdir(), "lifeboat-stack-artifacts-"));
  process.once("exit", () => rmSync(artifacts, { recursive: true, force: true }));
  useProject().paths.artifacts = artifacts;
}
