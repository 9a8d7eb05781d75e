/**
 * The manifest: one JSON object per run and droplet, written after every archive it lists is
 * stored and checked. Its presence is what makes a run complete; the format is described in
 * ../FORMAT.md. Its entries are core's `ContainerEntry` / `VolumeEntry` (checked below), which
 * @lifeboat/remote produces, so the routine passes those results straight in.
 */
import { Readable } from "node:stream";
import type * as Core from "@lifeboat/core";
// zod/mini: the same checks, tree-shakable, so the Slack function that reads manifests stays small.
import * as z from "zod/mini";
import { manifestKey } from "./layout";
import type { Sink, StoredObject } from "./sink";

export const MANIFEST_FORMAT = "lifeboat.manifest/v1";

const sha256 = z.string().check(z.regex(/^[0-9a-f]{64}$/));
const compression = z.enum(["zstd", "gzip", "none"]);

const containerEntry = z.object({
  container: z.string(),
  image: z.string(),
  imageId: z.string(),
  imageDigest: z.optional(z.string()),
  mode: z.enum(["commit", "export"]),
  capturedImageId: z.optional(z.string()),
  compression,
  key: z.string(),
  bytes: z.int().check(z.nonnegative()),
  sha256,
});

const volumeEntry = z.object({
  volume: z.string(),
  mountPath: z.optional(z.string()),
  container: z.optional(z.string()),
  image: z.optional(z.string()),
  usedBy: z.array(z.object({ container: z.string(), image: z.string(), destination: z.string() })),
  compression,
  key: z.string(),
  bytes: z.int().check(z.nonnegative()),
  sha256,
});

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  runId: z.string(),
  plan: z.string(),
  droplet: z.string(),
  /** ISO-8601 UTC: when the run started (the retention clock). */
  createdAt: z.iso.datetime(),
  containers: z.array(containerEntry),
  volumes: z.array(volumeEntry),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ContainerEntry = z.infer<typeof containerEntry>;
export type VolumeEntry = z.infer<typeof volumeEntry>;

/** True only when A and B are the same type (not merely assignable one way). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// The schema must read exactly the entries core states (and remote writes): a field added on
// one side and not the other fails the type check here.
const schemaMatchesCore: [Same<ContainerEntry, Core.ContainerEntry>, Same<VolumeEntry, Core.VolumeEntry>] = [
  true,
  true,
];
void schemaMatchesCore;
export type ManifestInput = Omit<Manifest, "format">;

export class IncompleteRunError extends Error {
  constructor(runId: string, problems: string[]) {
    super(`run ${runId} is not complete, so no manifest was written: ${problems.join("; ")}`);
    this.name = "IncompleteRunError";
  }
}

/**
 * Writes the manifest, last: first every archive it lists must exist with the listed size.
 * @example await writeManifest(sink, { runId, plan, droplet, createdAt, containers: images.stored, volumes: volumes.stored })
 */
export async function writeManifest(sink: Sink, input: ManifestInput): Promise<StoredObject> {
  const manifest = manifestSchema.parse({ format: MANIFEST_FORMAT, ...input });
  const problems: string[] = [];
  for (const entry of [...manifest.containers, ...manifest.volumes]) {
    const found = await sink.head(entry.key);
    if (!found) problems.push(`${entry.key} is missing`);
    else if (found.bytes !== entry.bytes)
      problems.push(`${entry.key} has ${found.bytes} bytes, expected ${entry.bytes}`);
  }
  if (problems.length > 0) throw new IncompleteRunError(manifest.runId, problems);
  const body = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  return sink.put(manifestKey(manifest.droplet, manifest.runId), Readable.from([body]), {
    contentType: "application/json",
  });
}

/** Reads and validates a manifest. */
export async function readManifest(sink: Sink, key: string): Promise<Manifest> {
  const chunks: Buffer[] = [];
  for await (const chunk of await sink.get(key)) chunks.push(Buffer.from(chunk));
  return manifestSchema.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
}
