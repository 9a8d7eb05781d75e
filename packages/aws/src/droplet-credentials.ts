/**
 * Credentials for duplicity on one droplet: STS AssumeRole of the stack's droplet role
 * (LIFEBOAT_DROPLET_ROLE_ARN) with a session policy that narrows it to that droplet's own
 * duplicity prefix, valid one hour. The role itself allows only the duplicity root
 * (functions/archive-layout.ts); the session policy makes it one droplet's. They go to the
 * droplet on stdin (packages/remote), never into argv, logs or events.
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

/** AssumeRole's session name: letters, digits and `+=,.@_-`, at most 64 characters. */
const sessionName = (droplet: string) => `lifeboat-${droplet.replace(/[^\w+=,.@-]/g, "-")}`.slice(0, 64);

/**
 * @example const credentials = await assumeDropletRole({ roleArn, bucket, prefix: duplicityPrefix("web-1"), droplet: "web-1" });
 */
export async function assumeDropletRole(request: DropletCredentialsRequest): Promise<SessionCredentials> {
  // Loaded on first use: a run without duplicity does not load the STS client.
  const { AssumeRoleCommand, STSClient } = await import("@aws-sdk/client-sts");
  const sts = new STSClient({
    ...(request.region ? { region: request.region } : {}),
    ...(request.endpoint ? { endpoint: request.endpoint } : {}),
  });
  const answer = await sts.send(
    new AssumeRoleCommand({
      RoleArn: request.roleArn,
      RoleSessionName: sessionName(request.droplet),
      DurationSeconds: DROPLET_CREDENTIALS_SECONDS,
      Policy: sessionPolicy(request.bucket, request.prefix),
    }),
  );
  const c = answer.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
    throw new Error(`STS AssumeRole of ${request.roleArn} returned no credentials for ${request.droplet}`);
  }
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}
