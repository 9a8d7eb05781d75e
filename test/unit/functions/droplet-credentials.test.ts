/** STS AssumeRole for duplicity and the archive job, against a loopback STS: the request, the session policy, the answer. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { archiveSessionPolicy, assumeArchiveRole, assumeDropletRole } from "@lifeboat/aws";
import type { HostRun } from "@lifeboat/core";
import { LocalSink, S3Sink } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEPLOYED_PREFIX, duplicityPrefix } from "../../../functions/archive-layout";
import { stsArchiveCredentials } from "../../../functions/droplet-hosts";

const requests: URLSearchParams[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    requests.push(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
    res
      .writeHead(200, { "content-type": "text/xml" })
      .end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIATESTKEY</AccessKeyId>
      <SecretAccessKey>test-secret-from-sts</SecretAccessKey>
      <SessionToken>test-session-token</SessionToken>
      <Expiration>2026-11-26T09:00:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser><AssumedRoleId>AROA:lifeboat-web-1</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/r/lifeboat-web-1</Arn></AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
</AssumeRoleResponse>`);
  });
});
let endpoint = "";
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.AWS_ACCESS_KEY_ID = "AKIDTEST";
  process.env.AWS_SECRET_ACCESS_KEY = "test";
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("droplet credentials", () => {
  it("assumes the droplet role for one hour, narrowed to that droplet's duplicity prefix", async () => {
    const credentials = await assumeDropletRole({
      roleArn: "arn:aws:iam::123456789012:role/droplet",
      bucket: "archives",
      prefix: duplicityPrefix("web-1"),
      droplet: "web-1",
      region: "us-east-1",
      endpoint,
    });
    expect(credentials).toEqual({
      accessKeyId: "ASIATESTKEY",
      secretAccessKey: "test-secret-from-sts",
      sessionToken: "test-session-token",
    });
    const sent = requests.at(-1)!;
    expect(sent.get("Action")).toBe("AssumeRole");
    expect(sent.get("RoleArn")).toBe("arn:aws:iam::123456789012:role/droplet");
    expect(sent.get("DurationSeconds")).toBe("3600");
    expect(sent.get("RoleSessionName")).toBe("lifeboat-web-1");
    const policy = JSON.parse(sent.get("Policy")!);
    expect(policy.Statement).toEqual([
      {
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        Resource: ["arn:aws:s3:::archives/lifeboat/duplicity/web-1/*"],
      },
      {
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: ["arn:aws:s3:::archives"],
        Condition: { StringLike: { "s3:prefix": ["lifeboat/duplicity/web-1", "lifeboat/duplicity/web-1/*"] } },
      },
    ]);
  });
});

describe("archive job credentials", () => {
  const runPrefix = `${DEPLOYED_PREFIX}runs/web-1/nightly-20261130T030000Z/`;

  it("may upload to one run's directory and abort its own uploads, and nothing else", () => {
    expect(JSON.parse(archiveSessionPolicy("archives", runPrefix))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
          Resource: ["arn:aws:s3:::archives/lifeboat/runs/web-1/nightly-20261130T030000Z/*"],
        },
      ],
    });
  });

  it.each([
    ["a prefix without its closing slash (it would match runs beside it)", "lifeboat/runs/web-1/nightly-1"],
    ["an empty prefix (the whole bucket)", ""],
    ["a wildcard", "lifeboat/runs/*/"],
    ["a leading slash", "/lifeboat/runs/web-1/r/"],
  ])("refuses %s", (_why, prefix) => {
    expect(() => archiveSessionPolicy("archives", prefix)).toThrow(/one run's directory ending in "\/"/);
  });

  it("assumes the droplet role for one hour with that policy, and says when the credentials expire", async () => {
    const credentials = await assumeArchiveRole({
      roleArn: "arn:aws:iam::123456789012:role/droplet",
      bucket: "archives",
      runPrefix,
      droplet: "web-1",
      region: "us-east-1",
      endpoint,
    });
    expect(credentials).toEqual({
      accessKeyId: "ASIATESTKEY",
      secretAccessKey: "test-secret-from-sts",
      sessionToken: "test-session-token",
      expiration: "2026-11-26T09:00:00.000Z",
    });
    const sent = requests.at(-1)!;
    expect(sent.get("Action")).toBe("AssumeRole");
    expect(sent.get("RoleArn")).toBe("arn:aws:iam::123456789012:role/droplet");
    expect(sent.get("DurationSeconds")).toBe("3600");
    expect(sent.get("RoleSessionName")).toBe("lifeboat-archive-web-1");
    expect(sent.get("Policy")).toBe(archiveSessionPolicy("archives", runPrefix));
  });
});

describe("a deployed run's archive credentials", () => {
  const run = { runId: "nightly-20261130T030000Z" } as HostRun;
  const roleArn = "arn:aws:iam::123456789012:role/droplet";

  it("narrow the droplet role to that run's directory in the sink's bucket", async () => {
    const sink = new S3Sink({ bucket: "archives", region: "us-east-1", prefix: DEPLOYED_PREFIX });
    const credentials = await stsArchiveCredentials(sink, { roleArn, region: "us-east-1", endpoint })("web-1", run);
    expect(credentials.expiration).toBe("2026-11-26T09:00:00.000Z");
    const policy = JSON.parse(requests.at(-1)!.get("Policy")!);
    expect(policy.Statement[0].Resource).toEqual([
      "arn:aws:s3:::archives/lifeboat/runs/web-1/nightly-20261130T030000Z/*",
    ]);
  });

  it("are refused, before asking STS, for storage the droplet role cannot reach", async () => {
    const asked = requests.length;
    const spaces = new S3Sink({
      bucket: "b",
      region: "fra1",
      prefix: "lifeboat/",
      endpoint: "https://fra1.digitaloceanspaces.com",
    });
    await expect(stsArchiveCredentials(spaces, { roleArn, endpoint })("web-1", run)).rejects.toThrow(
      /reach AWS S3 only, not https:\/\/fra1\.digitaloceanspaces\.com; deployed, keep archives in the stack's bucket/,
    );
    await expect(
      stsArchiveCredentials(new LocalSink("/nonexistent"), { roleArn, endpoint })("web-1", run),
    ).rejects.toThrow(/the archive job on web-1 uploads to S3; \/nonexistent is not a bucket/);
    expect(requests.length).toBe(asked);
  });
});
