/**
 * Where a ping goes, in the healthchecks.io protocol: `<url>/start`, `<url>`, `<url>/fail`, each
 * with `?rid=<uuid>` so the service pairs a run's start with its end (and measures its
 * duration) even when runs overlap. Self-hosted Healthchecks speaks the same protocol.
 */
import { createHash } from "node:crypto";
import type { PingSignal } from "@lifeboat/core";

const SUFFIX: Record<PingSignal, string> = { start: "/start", success: "", fail: "/fail" };

/** lifeboat's own UUID namespace for run ids (a random v4, fixed once). */
const RUN_NAMESPACE = "3c0e5a52-9a8e-4f39-bb0c-6c2f41a4e7d1";

/** The URL of one signal: the suffix after the path, the run id as `rid`, any query of the configured URL kept. */
export function pingTarget(url: string, signal: PingSignal, runId: string): URL {
  const target = new URL(url);
  target.pathname = `${target.pathname.replace(/\/+$/, "")}${SUFFIX[signal]}`;
  target.searchParams.set("rid", runUuid(runId));
  return target;
}

/**
 * The run id as a UUID (version 5, RFC 9562), in the canonical lower-case form healthchecks.io
 * asks of `rid`: the same run id gives the same UUID in every process and on every replay.
 *
 * @example
 * runUuid("weekly-20260104T030000Z") === runUuid("weekly-20260104T030000Z") // true
 */
export function runUuid(runId: string): string {
  const namespace = Buffer.from(RUN_NAMESPACE.replaceAll("-", ""), "hex");
  const hash = createHash("sha1").update(namespace).update(runId, "utf8").digest().subarray(0, 16);
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
