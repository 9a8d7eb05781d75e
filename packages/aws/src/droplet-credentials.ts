/**
 * Credentials for work on one droplet: STS AssumeRole of the stack's droplet role
 * (LIFEBOAT_DROPLET_ROLE_ARN) with a session policy that narrows it, valid one hour:
 *   - duplicity: to that droplet's own duplicity prefix (read, write, delete, list);
 *   - the archive job: to one run's directory, uploads only (`runs/<droplet>/<runId>/`).
 * The role itself allows only the duplicity root and the runs root (functions/archive-layout.ts);
 * the session policy makes it one droplet's, or one run's. They go to the droplet on stdin or
 * in a 0600 file (packages/remote), never into argv, logs or events.
 */

/** Temporary S3 credentials, as duplicity takes them (@lifeboat/remote's S3Credentials). */
export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** One hour: the role's maximum, and what AWS allows for a role assumed by a role. */
export const DROPLET_CREDENTIALS_SECONDS = 3600;

export interface DropletCredentialsRequest {
  roleArn: string;
  bucket: string;
  /** The droplet's duplicity prefix, e.g. "lifeboat/duplicity/web-1" (no trailing slash). */
  prefix: string;
  droplet: string;
  region?: string;
  /** For tests: a loopback STS. */
  endpoint?: string;
}

/** The session policy: read, write and delete under `prefix/`, list only that prefix. */
export function sessionPolicy(bucket: string, prefix: string): string {
  const root = prefix.replace(/\/+$/, "");
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        Resource: [`arn:aws:s3:::${bucket}/${root}/*`],
      },
      {
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [`arn:aws:s3:::${bucket}`],
        Condition: { StringLike: { "s3:prefix": [root, `${root}/*`] } },
      },
    ],
  });
}

/**
 * The archive job's session policy: uploads (multipart included: its create, part and
 * complete calls are all s3:PutObject) and aborting them, under one run's directory, nothing
 * else: no read, no delete, no listing of the bucket.
 * @example archiveSessionPolicy("archives", "lifeboat/runs/web-1/nightly-20261130T030000Z/")
 */
export function archiveSessionPolicy(bucket: string, runPrefix: string): string {
  // A wildcard or an empty prefix would widen the grant past the run: refuse rather than sign it.
  if (/[*?]/.test(bucket + runPrefix) || !/^[^/].*\/$/.test(runPrefix)) {
    throw new Error(`archive credentials need one run's directory ending in "/", got ${JSON.stringify(runPrefix)}`);
  }
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        Resource: [`arn:aws:s3:::${bucket}/${runPrefix}*`],
      },
    ],
  });
}

/** AssumeRole's session name: letters, digits and `+=,.@_-`, at most 64 characters. */
const sessionName = (what: string) => `lifeboat-${what.replace(/[^\w+=,.@-]/g, "-")}`.slice(0, 64);

/** AssumeRole of the droplet role for an hour, limited by `policy`. */
async function assume(
  request: { roleArn: string; droplet: string; region?: string; endpoint?: string },
  session: string,
  policy: string,
) {
  // Loaded on first use: a run without duplicity or archive jobs does not load the STS client.
  const { AssumeRoleCommand, STSClient } = await import("@aws-sdk/client-sts");
  const sts = new STSClient({
    ...(request.region ? { region: request.region } : {}),
    ...(request.endpoint ? { endpoint: request.endpoint } : {}),
  });
  const answer = await sts.send(
    new AssumeRoleCommand({
      RoleArn: request.roleArn,
      RoleSessionName: sessionName(session),
      DurationSeconds: DROPLET_CREDENTIALS_SECONDS,
      Policy: policy,
    }),
  );
  const c = answer.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
    throw new Error(`STS AssumeRole of ${request.roleArn} returned no credentials for ${request.droplet}`);
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
}

/**
 * @example const credentials = await assumeDropletRole({ roleArn, bucket, prefix: duplicityPrefix("web-1"), droplet: "web-1" });
 */
export async function assumeDropletRole(request: DropletCredentialsRequest): Promise<SessionCredentials> {
  const { accessKeyId, secretAccessKey, sessionToken } = await assume(
    request,
    request.droplet,
    sessionPolicy(request.bucket, request.prefix),
  );
  return { accessKeyId, secretAccessKey, sessionToken };
}

/** Credentials the archive job keeps in its 0600 `credentials.json`; they stop working at `expiration`. */
export interface ExpiringCredentials extends SessionCredentials {
  /** ISO-8601, as STS said. */
  expiration: string;
}

export interface ArchiveCredentialsRequest {
  roleArn: string;
  bucket: string;
  /** The run's directory in the bucket, store prefix included: "lifeboat/runs/web-1/<runId>/". */
  runPrefix: string;
  droplet: string;
  region?: string;
  /** For tests: a loopback STS. */
  endpoint?: string;
}

/**
 * Credentials for one run's archive job on a droplet: it may upload to that run's directory
 * and abort its own uploads, for one hour (the orchestrator hands over fresh ones in time).
 * @example await assumeArchiveRole({ roleArn, bucket, runPrefix: "lifeboat/runs/web-1/nightly-20261130T030000Z/", droplet: "web-1" })
 */
export async function assumeArchiveRole(request: ArchiveCredentialsRequest): Promise<ExpiringCredentials> {
  const policy = archiveSessionPolicy(request.bucket, request.runPrefix);
  const c = await assume(request, `archive-${request.droplet}`, policy);
  return { ...c, expiration: c.expiration.toISOString() };
}
