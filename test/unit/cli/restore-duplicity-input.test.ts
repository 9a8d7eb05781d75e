/** `lifeboat restore duplicity` refuses bad input with the fix, before reaching any droplet. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lifeboat, sandboxEnv } from "./cli-process";

describe("lifeboat restore duplicity: bad input is exit 2 and names the fix", () => {
  let dir: string;
  const plan = (name: string) => ({
    name,
    schedule: "cron(0 3 * * ? *)",
    droplets: [{ name: "ssh" }],
    snapshot: { mode: "none" },
    duplicity: { paths: ["/srv"], encryption: { type: "passphrase" } },
  });
  const config = async (file: string, value: unknown) => {
    const path = join(dir, file);
    await writeFile(path, `export default ${JSON.stringify(value)};\n`);
    return path;
  };
  const s3 = { type: "s3", bucket: "my-backups", region: "fra1" };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cli-restore-dup-input-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("local storage: says duplicity backups live in S3/Spaces", async () => {
    const local = await config("local.config.ts", { plans: [plan("a")], storage: { type: "local" } });
    const r = lifeboat(["-c", local, "restore", "duplicity", "ssh", "/srv/app", "/root/restored"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("duplicity backups live in S3 or Spaces");
  });

  it("two plans with duplicity: asks for --plan; a relative path is refused", async () => {
    const two = await config("two.config.ts", { plans: [plan("a"), plan("b")], storage: s3 });
    const r = lifeboat(["-c", two, "restore", "duplicity", "ssh", "/srv", "/root/restored"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("several plans have duplicity settings (a, b); name one with --plan");

    const relative = lifeboat(
      ["-c", two, "restore", "duplicity", "ssh", "srv", "/root/restored", "--plan", "a"],
      sandboxEnv({ DUPLICITY_PASSPHRASE: "x" }),
    );
    expect(relative.code).toBe(2);
    expect(relative.stderr).toContain('<path>, the path as it was backed up: path "srv" is refused');
  });

  it("no passphrase in the environment: names the variable to set", async () => {
    const one = await config("one.config.ts", { plans: [plan("a")], storage: s3 });
    const env = sandboxEnv();
    delete env.DUPLICITY_PASSPHRASE;
    delete env.DUPLICITY_PASSPHRASE_FILE;
    const r = lifeboat(["-c", one, "restore", "duplicity", "ssh", "/srv", "/root/restored"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("set DUPLICITY_PASSPHRASE (or DUPLICITY_PASSPHRASE_FILE, its path)");
  });
});
