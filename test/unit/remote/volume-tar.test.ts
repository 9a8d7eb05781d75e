/**
 * The volume command when the helper container fails: it must end, with docker's status, however
 * slowly the `cat` relaying the FIFO starts. It used to kill a `cat` blocked opening the FIFO,
 * and under load that SIGTERM could reach the background shell before it had exec'd `cat` and be
 * lost: a unit run hung for minutes. A slow `cat` that ignores TERM stands for that case here.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { volumeTarCommand } from "@lifeboat/remote";
import { afterAll, expect, it } from "vitest";

const bin = mkdtempSync(join(tmpdir(), "lifeboat-volume-tar-"));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

const script = (name: string, body: string) => {
  writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
};

it("ends with docker's status when the container fails, however slowly cat starts and even if it ignores TERM", () => {
  script("docker", "echo 'docker: Cannot connect to the Docker daemon' >&2\nexit 125");
  script("cat", "trap '' TERM\nsleep 0.3\nexec /bin/cat \"$@\"");
  const run = spawnSync("bash", ["-c", volumeTarCommand("web-data", "busybox:1.36").text], {
    env: { PATH: `${bin}:/usr/bin:/bin`, TMPDIR: bin },
    timeout: 20_000,
    encoding: "utf8",
  });
  expect(run.error).toBeUndefined(); // a timeout: the command waited on cat forever
  expect(run.status).toBe(125);
  expect(run.stdout).toBe("");
  expect(run.stderr).toContain("Cannot connect to the Docker daemon");
});
