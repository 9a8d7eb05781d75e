import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { NodeSSH } from "node-ssh";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, missingServices } from "../harness/context";
import { connectToHarness } from "../harness/ssh";

const skip = missingServices("ssh", "docker");

describe.skipIf(skip)(`harness: sshd + dockerd${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let ssh: NodeSSH;
  const volume = `harness-proof-${process.pid}`;
  const h = harness();

  beforeAll(async () => {
    ssh = await connectToHarness(h.ssh!);
  });
  afterAll(async () => {
    await ssh?.execCommand(`docker volume rm -f ${volume}`);
    ssh?.dispose();
  });

  it("streams a Docker volume written from a container back over SSH, byte for byte", async () => {
    const image = h.docker!.baseImage;
    const blob = randomBytes(3 * 1024 * 1024 + 17);

    expect((await ssh.execCommand(`docker volume create ${volume}`)).code).toBe(0);
    const write = await ssh.execCommand(
      `docker run -i --rm --log-driver none -v ${volume}:/data ${image} sh -c 'cat > /data/blob && mkdir /data/dir && echo hello > /data/dir/greeting && chmod 640 /data/dir/greeting'`,
      { stdin: blob.toString("base64"), execOptions: {} },
    );
    expect(write.stderr).toBe("");
    expect(write.code).toBe(0);

    // Stream the volume as a tar through the SSH channel into a local `tar -x`.
    const out = await mkdtemp(join(tmpdir(), "harness-proof-"));
    const channel = await new Promise<import("ssh2").ClientChannel>((resolve, reject) =>
      ssh.connection!.exec(
        `docker run --rm --log-driver none -v ${volume}:/data:ro ${image} tar c -C /data .`,
        (err, stream) => (err ? reject(err) : resolve(stream)),
      ),
    );
    channel.end(); // no stdin: send EOF, so the channel's both sides finish and pipeline sees a clean end
    const exitCode = new Promise<number>((resolve) => channel.on("close", (code: number) => resolve(code)));
    // ssh2 emits the channel's 'close' before 'end' while data is still buffered, which
    // stream.pipeline calls a premature close; classic pipe() keeps back-pressure and waits for 'end'.
    const stdout = new PassThrough();
    channel.on("error", (e: Error) => stdout.destroy(e));
    channel.pipe(stdout);
    const tarball = join(out, "volume.tar");
    await pipeline(stdout, createWriteStream(tarball));
    expect(await exitCode).toBe(0);
    expect(spawnSync("tar", ["-x", "-f", tarball, "-C", out]).status).toBe(0);

    // The container wrote base64 of the blob (stdin is text over execCommand): compare decoded.
    const stored = await readFile(join(out, "blob"), "utf8");
    expect(Buffer.from(stored, "base64").equals(blob)).toBe(true);
    expect(await readFile(join(out, "dir", "greeting"), "utf8")).toBe("hello\n");
    expect((await stat(join(out, "dir", "greeting"))).mode & 0o777).toBe(0o640);
    await rm(out, { recursive: true, force: true });
  });
});
