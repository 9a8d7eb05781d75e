/**
 * Checks a request's SigV4 signature the way AWS does: the canonical request rebuilt from
 * what arrived (method, path, query, the signed headers, the body), signed again with the
 * same key and time, compared with the Authorization header.
 */
import { createHash, createHmac } from "node:crypto";
import type { IncomingMessage } from "node:http";

const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");
const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** undefined when the signature is valid, else what is wrong with it. */
export async function sigV4Problem(
  req: IncomingMessage,
  body: string,
  { service, accessKeyId, secretAccessKey }: { service: string; accessKeyId: string; secretAccessKey: string },
): Promise<string | undefined> {
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      String(req.headers.authorization ?? ""),
    );
  if (!auth) return "no SigV4 Authorization header";
  const [, keyId, day, region, signedService, signedHeaders, signature] = auth as unknown as string[];
  if (keyId !== accessKeyId) return `signed with key ${keyId}`;
  if (signedService !== service) return `signed for service ${signedService}, not ${service}`;
  const amzDate = String(req.headers["x-amz-date"] ?? "");
  if (!amzDate.startsWith(day as string)) return "x-amz-date is not the credential's day";
  const url = new URL(req.url ?? "/", "http://placeholder");
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .sort()
    .join("&");
  const headerNames = (signedHeaders as string).split(";");
  const canonicalHeaders = headerNames.map((h) => `${h}:${String(req.headers[h] ?? "").trim()}\n`).join("");
  const payloadHash = String(req.headers["x-amz-content-sha256"] ?? sha256(body));
  if (payloadHash !== sha256(body)) return "the body is not the one signed";
  const canonicalRequest = [req.method, url.pathname, query, canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  let key = hmac(`AWS4${secretAccessKey}`, day as string);
  for (const part of [region as string, service, "aws4_request"]) key = hmac(key, part);
  const expected = hmac(key, stringToSign).toString("hex");
  return expected === signature ? undefined : "signature does not match the request";
}
