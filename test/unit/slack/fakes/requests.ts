/** Signed API Gateway v2 events as Slack would send them through a function URL / HTTP API. */
import { signSlackBody } from "@lifeboat/slack";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const BOT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";

export interface SignOptions {
  secret?: string;
  timestamp?: number;
  contentType?: string;
  base64?: boolean;
  /** Signature computed over this body instead (a replay/tamper). */
  signatureFor?: { body: string; timestamp: number };
  omit?: Array<"signature" | "timestamp">;
}

export function apiGatewayEvent(body: string, o: SignOptions = {}) {
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = o.signatureFor
    ? signSlackBody(o.secret ?? SIGNING_SECRET, o.signatureFor.timestamp, o.signatureFor.body)
    : signSlackBody(o.secret ?? SIGNING_SECRET, timestamp, body);
  const headers: Record<string, string> = { "content-type": o.contentType ?? "application/x-www-form-urlencoded" };
  if (!o.omit?.includes("signature")) headers["x-slack-signature"] = signature;
  if (!o.omit?.includes("timestamp")) headers["x-slack-request-timestamp"] = String(timestamp);
  return {
    version: "2.0",
    routeKey: "POST /slack",
    rawPath: "/slack",
    rawQueryString: "",
    headers,
    requestContext: {
      http: { method: "POST", path: "/slack", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "Slackbot" },
    },
    body: o.base64 ? Buffer.from(body, "utf8").toString("base64") : body,
    isBase64Encoded: Boolean(o.base64),
  };
}

export function slashBody(text: string, user: string, responseUrl: string): string {
  return new URLSearchParams({
    token: "legacy-verification-token",
    team_id: "T1",
    team_domain: "acme",
    channel_id: "C0LIFEBOAT",
    channel_name: "ops",
    user_id: user,
    user_name: user.toLowerCase(),
    command: "/lifeboat",
    text,
    api_app_id: "A1",
    response_url: responseUrl,
    trigger_id: "1.2.3",
  }).toString();
}

export function actionBody(options: {
  user: string;
  actionId: string;
  value: string;
  responseUrl: string;
  message?: { ts: string; thread_ts?: string; blocks?: unknown[] };
}): string {
  const payload = {
    type: "block_actions",
    user: { id: options.user, username: options.user.toLowerCase(), team_id: "T1" },
    api_app_id: "A1",
    token: "legacy-verification-token",
    team: { id: "T1", domain: "acme" },
    channel: { id: "C0LIFEBOAT", name: "ops" },
    container: { type: "message", message_ts: options.message?.ts ?? "1.1", channel_id: "C0LIFEBOAT" },
    message: options.message ? { type: "message", ...options.message } : undefined,
    response_url: options.responseUrl,
    trigger_id: "1.2.3",
    actions: [
      {
        type: "button",
        action_id: options.actionId,
        block_id: "b",
        value: options.value,
        action_ts: "1700000001.0001",
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
