/**
 * Slack request checks stricter than Bolt's AwsLambdaReceiver, run before it sees a request:
 *  - the signature is checked over the raw body bytes (base64 bodies decoded as bytes, not
 *    ASCII, so UTF-8 text verifies);
 *  - a timestamp more than 5 minutes old **or ahead** is refused (Bolt has no upper bound);
 *  - missing or malformed headers are refused;
 *  - a Content-Type with parameters (`…; charset=utf-8`) is accepted and handed on without
 *    them (Bolt throws on it).
 * The normalised event (UTF-8 body, bare media type) is what Bolt then parses and re-checks.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The parts of an API Gateway v2 (HTTP API / function URL) event the check reads. */
export interface HttpEvent {
  headers?: Record<string, string | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
  [key: string]: unknown;
}

export const MAX_SKEW_SECONDS = 300;

export type Verified = { ok: true; event: HttpEvent } | { ok: false; reason: string };

function header(headers: HttpEvent["headers"], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}

/**
 * @example
 * const checked = verifySlackRequest(event, process.env.SLACK_SIGNING_SECRET!, Date.now() / 1000);
 * if (!checked.ok) return { statusCode: 401, body: "" };
 */
export function verifySlackRequest(event: HttpEvent, signingSecret: string, nowSeconds: number): Verified {
  const signature = header(event.headers, "x-slack-signature");
  const timestamp = header(event.headers, "x-slack-request-timestamp");
  if (!signature || !timestamp) return { ok: false, reason: "missing X-Slack-Signature or X-Slack-Request-Timestamp" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "X-Slack-Request-Timestamp is not a Unix time" };
  const skew = nowSeconds - Number(timestamp);
  if (skew > MAX_SKEW_SECONDS)
    return { ok: false, reason: `timestamp ${Math.round(skew)} s old (more than 5 minutes)` };
  if (skew < -MAX_SKEW_SECONDS) return { ok: false, reason: `timestamp ${Math.round(-skew)} s in the future` };
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: "X-Slack-Signature is not v0=<64 hex digits>" };

  const bytes = Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8");
  const expected = createHmac("sha256", signingSecret).update(`v0:${timestamp}:`).update(bytes).digest();
  const given = Buffer.from(signature.slice(3), "hex");
  if (!timingSafeEqual(expected, given)) return { ok: false, reason: "signature does not match the body" };

  const headers: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    headers[key] = key.toLowerCase() === "content-type" ? value?.split(";")[0]?.trim().toLowerCase() : value;
  }
  return { ok: true, event: { ...event, headers, body: bytes.toString("utf8"), isBase64Encoded: false } };
}

/**
 * The signature Slack would send; for tests and local tools.
 * @example signSlackBody("secret", 1700000000, "text=help") // "v0=…"
 */
export function signSlackBody(signingSecret: string, timestamp: number, body: string | Buffer): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:`).update(body).digest("hex")}`;
}
