/**
 * #15 §1 in the durable function: each sampled archive is read back in a durable step of its own,
 * after one step for the listing and the seeded pick, so no step holds a droplet's whole read-back
 * (tens of GB would outlast a 15-minute invocation); a replay reads no finished archive again; the
 * report is the one `lifeboat verify` (one call, in-process) gives for the same seed.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { type StoreVerifier, type VerifyFinding, validateConfig, verifyAll } from "@lifeboat/core";
import { LocalSink, runWriter, storeVerifier, writeManifest } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restartAfterEveryStep, runRestarting } from "./restart-every-step";
import { planInput, seedGitlab, worldsClosedAfterEach } from "./world";

const makeWorld = worldsClosedAfterEach();

/** A local store that counts how often each key is read. */
class CountingSink extends LocalSink {
  readonly reads = new Map<string, number>();
  override async get(key: string): Promise<Readable> {
    this.reads.set(key, (this.reads.get(key) ?? 0) + 1);
    return super.get(key);
  }
}

const READ_STEP = /^verify gitlab read \d+ of \d+$/;

describe("routine: verify reads each archive back in a durable step of its own", () => {
  let dir: string;
  let keys: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "verify-read-steps-"));
    await mkdir(join(dir, "tree"));
    await writeFile(join(dir, "tree", "a.txt"), "kept\n");
    const tar = gzipSync(execFileSync("tar", ["c", "-C", join(dir, "tree"), "."]));
    const sink = new LocalSink(join(dir, "store"));
    const writer = runWriter(sink, { droplet: "gitlab", runId: "weekly-earlier" });
    const volumes = [];
    for (const volume of ["data", "logs", "uploads", "cache"]) {
      const stored = await writer.putArchive("volume", `${volume}.tar.gz`, Readable.from([tar]));
      volumes.push({ volume, usedBy: [], compression: "gzip" as const, ...stored });
    }
    await writeManifest(sink, {
      runId: "weekly-earlier",
      plan: "weekly",
      droplet: "gitlab",
      createdAt: "2026-01-03T03:00:00.000Z",
      containers: [],
      volumes,
    });
    keys = volumes.map((v) => v.key); // the manifest's order, the order they are read in
    // One flipped byte, so the report holds a broken read-back as well as whole ones.
    const flipped = join(dir, "store", ...keys[1]!.split("/"));
    const bytes = await readFile(flipped);
    bytes[bytes.length - 5]! ^= 0xff;
    await writeFile(flipped, bytes);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("one step for the listing and the pick, then one step per sampled archive, each holding its one finding", async () => {
    const world = await makeWorld({
      config: planInput({}, { verify: { readData: 1 } }),
      verifyStore: storeVerifier(new LocalSink(join(dir, "store"))),
    });
    seedGitlab(world.sandbox);
    const execution = await world.run();
    const operations = execution.getOperations();
    const names = operations.map((o) => o.getName() ?? "");
    const verifySteps = names.filter((n) => n.startsWith("verify gitlab"));
    expect(verifySteps).toEqual([
      "verify gitlab",
      "verify gitlab read 1 of 4",
      "verify gitlab read 2 of 4",
      "verify gitlab read 3 of 4",
      "verify gitlab read 4 of 4",
    ]);
    // Each read step's recorded result is its archive's one finding: small, whatever the archive's size.
    const recorded = operations
      .filter((o) => READ_STEP.test(o.getName() ?? ""))
      .map((o) => o.getStepDetails()?.result as VerifyFinding | undefined);
    expect(recorded.map((f) => [f?.check, f?.item, f?.ok])).toEqual([
      ["data", keys[0], true],
      ["data", keys[1], false],
      ["data", keys[2], true],
      ["data", keys[3], true],
    ]);
  });

  it("a replay after the second read step, and that step cut off mid-read, reads no finished archive again", async () => {
    const sink = new CountingSink(join(dir, "store"));
    const inner = storeVerifier(sink);
    // The second archive's read ends the way an invocation ending mid-read would: read, not recorded.
    let cutOff = false;
    const store: StoreVerifier = {
      ...inner,
      readBack: async (droplet, archive) => {
        const finding = await inner.readBack(droplet, archive);
        if (archive.key === keys[1] && !cutOff) {
          cutOff = true;
          throw new Error("the invocation ended before the step was recorded");
        }
        return finding;
      },
    };
    const world = await makeWorld({
      config: planInput({}, { verify: { readData: 1 } }),
      verifyStore: store,
      wrapContext: restartAfterEveryStep,
    });
    seedGitlab(world.sandbox);
    const { execution } = await runRestarting(world);
    expect(execution.getResult()?.outcome).toBe("succeeded");
    const names = execution.getOperations().map((o) => o.getName());
    // The function did restart (and replay all before) after the second read step.
    expect(names).toContain("restart after verify gitlab read 2 of 4");
    expect(cutOff).toBe(true);
    // The first archive was read once, whatever the replays and the cut-off second read; the second read again once.
    expect(keys.map((k) => sink.reads.get(k) ?? 0)).toEqual([1, 2, 1, 1]);
    expect(
      execution
        .getResult()!
        .verify!.findings.filter((f) => f.check === "data")
        .map((f) => f.ok),
    ).toEqual([true, false, true, true]);
  });

  it("the report, assembled from the steps, is the one `lifeboat verify` gives in one call for the same seed", async () => {
    const config = planInput({}, { verify: { readData: 0.5 } });
    const sink = new LocalSink(join(dir, "store"));
    const world = await makeWorld({ config, verifyStore: storeVerifier(sink) });
    const { gitlab } = seedGitlab(world.sandbox);
    const execution = await world.run();
    const stepped = execution.getResult()!.verify!;
    // Half of the four archives, as the seed picked: two read steps.
    expect(execution.getOperations().filter((o) => READ_STEP.test(o.getName() ?? ""))).toHaveLength(2);
    const inOneCall = await verifyAll(
      { api: world.api, store: storeVerifier(sink), now: world.sandbox.clock.now() },
      [{ droplet: await world.api.getDroplet(gitlab.id), plans: validateConfig(config).plans }],
      { readData: 0.5, seed: stepped.seed, prune: false },
    );
    expect(stepped).toEqual(inOneCall);
    expect(stepped.findings.map((f) => f.check)).toEqual(["manifest", "data", "data", "snapshot"]);
  });
});
