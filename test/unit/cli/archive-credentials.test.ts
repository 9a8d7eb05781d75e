/**
 * The CLI's credentials for a droplet's archive job (packages/cli/src/run/hosts.ts): the
 * droplet role narrowed by STS (against a loopback STS) when LIFEBOAT_DROPLET_ROLE_ARN is set,
 * else the user's own keys, as duplicity gets them; none with local storage.
 */
import type { HostRun } from "@lifeboat/core";
import { LocalSink, S3Sink } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveCredentialsFor } from "../../../packages/cli/src/run/hosts";
import { startRecordingServer } from "../../support/recording-server";

const run = { runId: "nightly-20261130T030000Z" } as HostRun;
const bucket = new S3Sink({ bucket: "my-backups", region: "eu-central-1", prefix: "lifeboat/" });
const spaces = new S3Sink({
  bucket: "my-backups",
  region: "fra1",
  prefix: "lifeboat/",
  endpoint: "https://fra1.digitaloceanspaces.com",
});
const own = { AWS_ACCESS_KEY_ID: "AKIDOWN", AWS_SECRET_ACCESS_KEY: "own-secret" };

let sts: Awaited<ReturnType<typeof startRecordingServer>>;
beforeAll(async () => {
  sts = await startRecordingServer(() => ({
    headers: { "content-type": "text/xml" },
    body: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
  <Credentials><AccessKeyId>ASIAARCHIVE</AccessKeyId><SecretAccessKey>sts-secret</SecretAccessKey>
  <SessionToken>sts-token</SessionToken><Expiration>2026-11-30T04:00:00Z</Expiration></Credentials>
</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
  }));
  // The CLI's own credentials, with which it asks STS.
  process.env.AWS_ACCESS_KEY_ID = "AKIDCALLER";
  process.env.AWS_SECRET_ACCESS_KEY = "caller-secret";
});
afterAll(() => sts.close());

describe("the CLI's archive job credentials", () => {
  it("are none with local storage: the CLI pulls the archives itself", () => {
    expect(archiveCredentialsFor(new LocalSink("/tmp/x"), own)).toBeUndefined();
  });

  it("narrow LIFEBOAT_DROPLET_ROLE_ARN to the run's directory in the config's bucket, for an hour", async () => {
    const credentials = await archiveCredentialsFor(bucket, {
      ...own,
      LIFEBOAT_DROPLET_ROLE_ARN: "arn:aws:iam::123456789012:role/lifeboat-droplet",
      AWS_ENDPOINT_URL_STS: sts.url,
    })?.("web-1", run);
    expect(credentials).toEqual({
      accessKeyId: "ASIAARCHIVE",
      secretAccessKey: "sts-secret",
      sessionToken: "sts-token",
      expiration: "2026-11-30T04:00:00.000Z",
    });
    const sent = new URLSearchParams(sts.requests.at(-1)!.body);
    expect(sent.get("RoleArn")).toBe("arn:aws:iam::123456789012:role/lifeboat-droplet");
    expect(sent.get("DurationSeconds")).toBe("3600");
    expect(JSON.parse(sent.get("Policy")!).Statement).toEqual([
      {
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        Resource: ["arn:aws:s3:::my-backups/lifeboat/runs/web-1/nightly-20261130T030000Z/*"],
      },
    ]);
  });

  it("are the user's own keys without a role, as duplicity's are, with their expiry when it is known", async () => {
    expect(await archiveCredentialsFor(spaces, own)?.("web-1", run)).toEqual({
      accessKeyId: "AKIDOWN",
      secretAccessKey: "own-secret",
    });
    const session = {
      ...own,
      AWS_SESSION_TOKEN: "own-token",
      AWS_CREDENTIAL_EXPIRATION: "2026-11-30T05:00:00+01:00",
    };
    expect(await archiveCredentialsFor(bucket, session)?.("web-1", run)).toEqual({
      accessKeyId: "AKIDOWN",
      secretAccessKey: "own-secret",
      sessionToken: "own-token",
      expiration: "2026-11-30T04:00:00.000Z",
    });
  });

  it("say what is missing or wrong, and how to fix it", async () => {
    const asked = sts.requests.length;
    await expect(archiveCredentialsFor(bucket, { AWS_ACCESS_KEY_ID: "AKIDOWN" })?.("web-1", run)).rejects.toThrow(
      "set AWS_SECRET_ACCESS_KEY (or AWS_SECRET_ACCESS_KEY_FILE) for the archive job's uploads to S3 (or set LIFEBOAT_DROPLET_ROLE_ARN)",
    );
    await expect(
      archiveCredentialsFor(bucket, { ...own, AWS_CREDENTIAL_EXPIRATION: "tomorrow" })?.("web-1", run),
    ).rejects.toThrow("AWS_CREDENTIAL_EXPIRATION tomorrow is not a time; give it as ISO-8601 or unset it");
    await expect(
      archiveCredentialsFor(spaces, { ...own, LIFEBOAT_DROPLET_ROLE_ARN: "arn:aws:iam::1:role/r" })?.("web-1", run),
    ).rejects.toThrow(/STS credentials reach AWS S3 only, not https:\/\/fra1\.digitaloceanspaces\.com; unset it/);
    expect(sts.requests.length).toBe(asked);
  });
});
