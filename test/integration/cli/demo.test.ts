/**
 * `npm start` with a Docker engine (#17 §4): the demo also runs the SSH half on the sample
 * droplet `ssh` through the local shell, against a container and volume it creates in the
 * harness's dockerd (its busybox image: no registry is reachable here) and always removes.
 * The CLI runs as a child process, as `npm start` would, with a config whose storage is a
 * temp directory.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, harnessDocker, missingServices } from "../../harness/context";
import { root, sandboxEnv, startLifeboat } from "../../unit/cli/cli-process";

const skip = missingServices("docker");

describe.skipIf(skip)(`npm start with a Docker engine${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const h = harness();
  let dir: string;
  let config: string;
  let env: NodeJS.ProcessEnv;
  const demoLeft = () => ({
    containers: harnessDocker("ps", "--all", "--quiet", "--filter", "name=^lifeboat-demo-app$"),
    volumes: harnessDocker("volume", "ls", "--quiet", "--filter", "name=^lifeboat-demo-data$"),
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cli-demo-"));
    config = join(dir, "lifeboat.config.ts");
    await writeFile(
      config,
      `export default ${JSON.stringify({
        plans: [
          {
            name: "weekly",
            schedule: "cron(0 3 ? * SUN *)",
            droplets: [{ name: "ssh" }],
            snapshot: { approval: { required: false } },
          },
        ],
        ssh: { droplets: {} },
        storage: { type: "local", directory: join(dir, "store") },
      })};\n`,
    );
    env = sandboxEnv({ DOCKER_HOST: h.docker!.host, LIFEBOAT_DEMO_IMAGE: h.docker!.baseImage });
  });
  afterAll(async () => {
    harnessDocker("rm", "--force", "lifeboat-demo-app");
    harnessDocker("volume", "rm", "--force", "lifeboat-demo-data", "lifeboat-demo-data-restored");
    await rm(dir, { recursive: true, force: true });
  });

  it("archives the demo container's image and volume with a manifest, prints a restore command that works, and removes the container and volume", async () => {
    const imagesBefore = harnessDocker("images", "--all", "--quiet").split("\n").sort();
    const cli = startLifeboat(["-c", config, "start"], env);
    expect(await cli.exit, cli.stdout() + cli.stderr()).toBe(0);
    const out = cli.stdout();
    expect(out).toContain('Docker answers here: droplet ssh also gets the SSH half (transport "local")');
    expect(out).toMatch(/\nssh\s+succeeded\s+lifeboat-weekly-ssh-\S+/);
    expect(out).toMatch(
      /\nArchived from droplet ssh \(Docker on this machine, transport "local"\), manifest \/\S+\/manifest\.json:/,
    );
    expect(out).toMatch(
      /\n {2}image {3}lifeboat-demo-app \(lifeboat-test\/busybox:latest, commit\): \S+, \d+ bytes, sha256 [0-9a-f]{12}…/,
    );
    expect(out).toMatch(
      /\n {2}volume {2}lifeboat-demo-data at \/data in lifeboat-demo-app \(lifeboat-test\/busybox:latest\): \S+, \d+ bytes/,
    );
    expect(out).toContain("See it again: npm run lifeboat -- list ssh");

    // Gone: the container, its volume, and the image `commit` made for the capture.
    expect(demoLeft()).toEqual({ containers: "", volumes: "" });
    expect(harnessDocker("images", "--all", "--quiet").split("\n").sort()).toEqual(imagesBefore);

    // The restore command, as printed, brings the data back.
    const restore = out.split("\n").find((l) => l.startsWith("  docker volume create lifeboat-demo-data-restored"));
    expect(restore, out).toBeDefined();
    const r = spawnSync("bash", ["-euo", "pipefail", "-c", restore!.trim()], { cwd: root, env, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(
      harnessDocker(
        "run",
        "--rm",
        "-v",
        "lifeboat-demo-data-restored:/data",
        h.docker!.baseImage,
        "cat",
        "/data/hello.txt",
      ),
    ).toBe("written by the lifeboat demo");

    // And `lifeboat list` against the same store still shows the run.
    const list = startLifeboat(["-c", config, "--json", "list", "ssh"], env);
    expect(await list.exit, list.stderr()).toBe(0);
    const listed = JSON.parse(list.stdout());
    expect(listed.droplets[0].archives).toMatchObject([
      { plan: "weekly", images: ["lifeboat-demo-app"], volumes: ["lifeboat-demo-data"] },
    ]);
  }, 120_000);

  it("Ctrl-C during the run: the demo container and volume are removed all the same", async () => {
    const cli = startLifeboat(["-c", config, "start"], env);
    await cli.line(/ssh\s+snapshot started/);
    cli.child.kill("SIGINT");
    expect(await cli.exit).toBe(130);
    expect(demoLeft()).toEqual({ containers: "", volumes: "" });
  }, 120_000);
});
