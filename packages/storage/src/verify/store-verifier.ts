/**
 * Core's `StoreVerifier` port over a sink: one listing of the droplet's runs, the latest
 * complete run's manifest read and parsed, each listed object found with its size, debris found
 * and, with `prune`, deleted, and a seeded share of its archives picked; then each of those
 * read back on its own (./read-archive.ts), so the durable function can give each a step.
 */
import {
  type ArchiveToRead,
  classifyRuns,
  type DuplicityFile,
  dataProblem,
  objectProblem,
  pickArchives,
  type ReadBack,
  type RunDirectory,
  type StoreListing,
  type StoreVerifier,
  storeFindings,
  type VerifyFinding,
} from "@lifeboat/core";
import { dropletPrefix, duplicityPrefix, MANIFEST_FILE } from "../layout";
import { type Manifest, manifestSchema } from "../manifest";
import { keyInRun } from "../run-scope";
import type { ListedObject, Sink } from "../sink";
import { readArchive } from "./read-archive";

async function readText(sink: Sink, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await sink.get(key)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

/** The manifest, or why it cannot be used. */
async function parseManifest(sink: Sink, key: string): Promise<{ manifest: Manifest } | { problem: string }> {
  let json: unknown;
  try {
    json = JSON.parse(await readText(sink, key));
  } catch (error) {
    return { problem: `cannot be read as JSON: ${(error as Error).message}` };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `does not match lifeboat.manifest/v1 at ${issue?.path.join(".") || "top"}: ${issue?.message}` };
  }
  return { manifest: parsed.data };
}

/** The droplet's objects grouped by run directory. */
function runDirectories(objects: readonly ListedObject[], prefix: string) {
  const dirs = new Map<string, { dir: RunDirectory; objects: ListedObject[] }>();
  for (const o of objects) {
    const [runId, ...rest] = o.key.slice(prefix.length).split("/");
    if (!runId || rest.length === 0) continue;
    const at = o.lastModified.toISOString();
    const entry = dirs.get(runId) ?? { dir: { runId, newestAt: at }, objects: [] };
    dirs.set(runId, entry);
    entry.objects.push(o);
    if (at > entry.dir.newestAt) entry.dir.newestAt = at;
    if (rest.join("/") === MANIFEST_FILE) entry.dir.manifestAt = at;
  }
  return dirs;
}

/** The port, and `runs`: the listing and every sampled archive's read-back in one call. */
export type SinkStoreVerifier = StoreVerifier & {
  runs(droplet: string, options: Parameters<StoreVerifier["listRun"]>[1]): Promise<VerifyFinding[]>;
};

/**
 * @example await verifyDroplet({ api, store: storeVerifier(sink), now: Date.now() }, droplet, plans, options)
 */
export function storeVerifier(sink: Sink): SinkStoreVerifier {
  const verifier: SinkStoreVerifier = {
    runs: (droplet, options) => storeFindings(verifier, droplet, options),
    async listRun(droplet, options): Promise<StoreListing> {
      const prefix = dropletPrefix(droplet);
      const dirs = runDirectories(await sink.list(prefix), prefix);
      const verdict = classifyRuns(
        [...dirs.values()].map((d) => d.dir),
        options.now,
      );
      const findings: VerifyFinding[] = [];
      const say = (check: VerifyFinding["check"], item: string, ok: boolean, detail: string) =>
        findings.push({ droplet, check, item, ok, detail });

      for (const debris of verdict.debris) {
        const objects = dirs.get(debris.runId)?.objects ?? [];
        const what = `no manifest, ${objects.length} object${objects.length === 1 ? "" : "s"}, last written ${debris.newestAt}: a run that never completed`;
        if (!options.prune) {
          say("debris", `${prefix}${debris.runId}/`, false, `${what}; delete it with --prune`);
          continue;
        }
        // Only lifeboat's own keys: those inside this run's directory under runs/.
        const directory = `${prefix}${debris.runId}/`;
        let deleted = 0;
        for (const o of objects) {
          const inside = keyInRun(directory, o.key);
          if ("key" in inside) {
            await sink.delete(inside.key);
            deleted += 1;
          }
        }
        say("debris", directory, true, `${what}; deleted ${deleted} object${deleted === 1 ? "" : "s"} (--prune)`);
      }

      const latest = verdict.latest;
      if (!latest) {
        say("manifest", `${prefix}`, true, "no complete archive run stored: nothing to check");
        return { findings, toRead: [] };
      }
      const manifestKey = `${prefix}${latest.runId}/${MANIFEST_FILE}`;
      const read = await parseManifest(sink, manifestKey);
      if ("problem" in read) {
        say("manifest", manifestKey, false, read.problem);
        return { findings, toRead: [] };
      }
      const entries = [...read.manifest.containers, ...read.manifest.volumes];
      const listed = new Map((dirs.get(latest.runId)?.objects ?? []).map((o) => [o.key, o]));
      const whole: typeof entries = [];
      for (const entry of entries) {
        const found = listed.get(entry.key) ?? (await sink.head(entry.key));
        const problem = objectProblem(entry, found);
        if (problem) say("object", entry.key, false, problem);
        else whole.push(entry);
      }
      say(
        "manifest",
        manifestKey,
        whole.length === entries.length,
        `run ${read.manifest.runId} (${read.manifest.createdAt}): ${whole.length} of ${entries.length} archives there with their sizes`,
      );

      const picked = new Set(
        pickArchives(
          entries.map((e) => e.key),
          options.readData,
          options.seed,
        ),
      );
      // Those already named as missing or the wrong size are not read.
      const toRead: ArchiveToRead[] = entries
        .filter((e) => picked.has(e.key) && whole.includes(e))
        .map((e) => ({ key: e.key, bytes: e.bytes, sha256: e.sha256, compression: e.compression }));
      return { findings, toRead };
    },
    async readBack(droplet, entry): Promise<VerifyFinding> {
      const finding = (ok: boolean, detail: string): VerifyFinding => ({
        droplet,
        check: "data",
        item: entry.key,
        ok,
        detail,
      });
      let back: ReadBack;
      try {
        back = await readArchive(await sink.get(entry.key), entry.compression);
      } catch (error) {
        // One archive that cannot be read is named; the others are still read.
        return finding(false, `could not be read back: ${(error as Error).message}`);
      }
      const problem = dataProblem(entry, back);
      const detail =
        problem ??
        `sha256 matches (${back.bytes} bytes)${back.notChecked ? `; ${back.notChecked}` : `, a tar of ${back.entries} entries`}`;
      return finding(problem === undefined, detail);
    },
  };
  // duplicity writes only to S3/Spaces (`<prefix>duplicity/<droplet>`): a local store has none to check.
  if (sink.direct) {
    verifier.duplicityFiles = async (droplet): Promise<DuplicityFile[]> => {
      const prefix = `${duplicityPrefix("", droplet)}/`;
      return (await sink.list(prefix)).map((o) => ({ name: o.key.slice(prefix.length) }));
    };
  }
  return verifier;
}
