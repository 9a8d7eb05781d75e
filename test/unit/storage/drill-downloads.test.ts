/**
 * What a drill's scratch droplet downloads archives with: presigned GET URLs of S3 or Spaces,
 * the port its egress firewall must open, and nothing for a local directory (the drill then
 * streams over SSH). Presigning is local signing: no server is needed.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { drillBackups, LocalSink, S3Sink } from "@lifeboat/storage";
import { describe, expect, it } from "vitest";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const s3 = (endpoint?: string) =>
  new S3Sink({
    bucket: "backups",
    region: "fra1",
    prefix: "lifeboat/",
    credentials,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });

describe("drillBackups(sink).downloads", () => {
  it("opens the store's own port: 443 for AWS and https, an endpoint's explicit port otherwise", () => {
    expect(drillBackups(s3()).downloads?.ports).toEqual([443]);
    expect(drillBackups(s3("https://fra1.digitaloceanspaces.com")).downloads?.ports).toEqual([443]);
    expect(drillBackups(s3("http://127.0.0.1:4569")).downloads?.ports).toEqual([4569]);
    expect(drillBackups(s3("http://minio.internal")).downloads?.ports).toEqual([80]);
  });

  it("gives one short-lived GET URL per archive key, under the store's prefix", async () => {
    const key = "runs/gitlab/weekly-20260111T030000Z/volumes/data.tar.zst";
    const made = await drillBackups(s3("https://fra1.digitaloceanspaces.com")).downloads?.urls([key], 900);
    expect(made?.withinSeconds).toBe(900);
    const url = new URL(made?.byKey[key] ?? "");
    expect(`${url.origin}${url.pathname}`).toBe(`https://fra1.digitaloceanspaces.com/backups/lifeboat/${key}`);
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    // The secret key signs; it is not in the URL.
    expect(url.href).not.toContain(credentials.secretAccessKey);
  });

  it("has none for a local directory: the droplet could not reach it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lifeboat-drill-downloads-"));
    expect(drillBackups(new LocalSink(dir)).downloads).toBeUndefined();
  });
});
