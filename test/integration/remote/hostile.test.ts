import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { Readable } from "node:stream";
import {
  archiveVolumes,
  containerName,
  imageRef,
  inventory,
  type RemoteSession,
  restartContainers,
  restoreVolume,
  sh,
  UnsafeNameError,
  volumeName,
} from "@lifeboat/remote";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, missingServices } from "../../harness/context";
import { openSession, remote, unique } from "./session";

const skip = missingServices("ssh", "docker");
const CANARY = `/tmp/lifeboat-canary-${process.pid}`;

/** Strings that would run `touch CANARY` if anything pasted them into a shell. */
const HOSTILE = [
  `$(touch ${CANARY})`,
  `\`touch ${CANARY}\``,
  `x; touch ${CANARY}`,
  `x | touch ${CANARY}`,
  `x\ntouch ${CANARY}`,
  `x' ; touch ${CANARY}; echo '`,
  `x" ; touch ${CANARY}; echo "`,
  `x && touch ${CANARY}`,
  `--volumes-from=$(touch ${CANARY})`,
  "-v",
  "--privileged",
  `données-$(touch ${CANARY})`,
  `ｔｏｕｃｈ ${CANARY} 🚢`,
  `x\\'$(touch ${CANARY})`,
  `$IFS$(touch\t${CANARY})`,
];

describe.skipIf(skip)(`remote: hostile names and labels never execute${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let session: RemoteSession;
  const image = harness().docker?.baseImage ?? "";
  const container = unique("labelled");

  beforeAll(async () => {
    await rm(CANARY, { force: true });
    session = await openSession();
  });
  afterAll(async () => {
    await session.run(sh`docker rm -f ${container}`, { what: "cleanup", check: false });
    session.close();
    await rm(CANARY, { force: true });
  });

  it("quotes every value: the droplet's shell receives each string exactly, and runs none of it", async () => {
    for (const value of HOSTILE) {
      const out = await session.run(sh`printf %s ${value}`, { what: "echo a hostile value" });
      expect(out.stdout).toBe(value);
    }
    expect(existsSync(CANARY)).toBe(false);
  });

  it("refuses hostile container, volume and image names before running anything", async () => {
    for (const value of HOSTILE) {
      expect(() => containerName(value)).toThrow(UnsafeNameError);
      expect(() => volumeName(value)).toThrow(UnsafeNameError);
      expect(() => imageRef(value)).toThrow(UnsafeNameError);
      await expect(restartContainers(session, [value])).rejects.toThrow(UnsafeNameError);
      await expect(
        restoreVolume(session, Readable.from([]), {
          volume: value,
          sha256: "0".repeat(64),
          compression: "none",
          helperImage: image,
        }),
      ).rejects.toThrow(UnsafeNameError);
      const writer = { putArchive: () => Promise.reject(new Error("must not be reached")) };
      await expect(
        archiveVolumes(session, writer, {
          volumes: [{ name: value, driver: "local", usedBy: [] }],
          containers: [],
          helperImage: image,
        }),
      ).rejects.toThrow(UnsafeNameError);
      await expect(
        archiveVolumes(session, writer, { volumes: [], containers: [], helperImage: value }),
      ).rejects.toThrow(UnsafeNameError);
    }
    expect(existsSync(CANARY)).toBe(false);
  });

  it("reads hostile labels back verbatim from the inventory without running them", async () => {
    const labels = HOSTILE.flatMap((v, i) => ["--label", `hostile.${i}=${v}`]);
    await remote(session, sh`docker create --name ${container} ${labels} ${image} sh`);
    const found = (await inventory(session)).containers.find((c) => c.name === container);
    expect(found?.labels).toEqual(Object.fromEntries(HOSTILE.map((v, i) => [`hostile.${i}`, v])));
    expect(existsSync(CANARY)).toBe(false);
  });
});
