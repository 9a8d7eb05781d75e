/**
 * A loopback stand-in for Slack's Web API and `response_url`s that records every call and
 * keeps the channel's messages, so updates and history reads behave as in Slack.
 * Web API: POST /api/<method>; response URLs: POST /response/<name>.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  /** Web API method ("chat.postMessage"), or "response_url". */
  method: string;
  path: string;
  body: Record<string, unknown>;
  /** Raw request text, for secret scans. */
  raw: string;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  metadata?: unknown;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes("json")) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = ["blocks", "metadata", "attachments"].includes(k) ? JSON.parse(v) : v;
  }
  return out;
}

export async function startSlackServer() {
  const calls: RecordedCall[] = [];
  const messages: StoredMessage[] = [];
  let tsCounter = 0;
  const nextTs = () => `1700000000.${String(++tsCounter).padStart(6, "0")}`;

  const api: Record<string, (b: Record<string, unknown>) => Record<string, unknown>> = {
    "auth.test": () => ({ ok: true, user_id: "UBOT", bot_id: "BBOT", team_id: "T1" }),
    "chat.postMessage": (b) => {
      const m: StoredMessage = { channel: String(b.channel), ts: nextTs(), text: b.text as string };
      if (b.thread_ts) m.thread_ts = String(b.thread_ts);
      if (b.blocks) m.blocks = b.blocks as unknown[];
      if (b.metadata) m.metadata = b.metadata;
      messages.push(m);
      return { ok: true, channel: m.channel, ts: m.ts, message: m };
    },
    "chat.update": (b) => {
      const m = messages.find((x) => x.channel === b.channel && x.ts === b.ts);
      if (!m) return { ok: false, error: "message_not_found" };
      m.text = b.text as string;
      m.blocks = b.blocks as unknown[];
      if (b.metadata) m.metadata = b.metadata;
      return { ok: true, channel: m.channel, ts: m.ts };
    },
    "conversations.history": (b) => {
      const top = messages.filter((m) => m.channel === b.channel && (!m.thread_ts || m.thread_ts === m.ts));
      const withMeta = b.include_all_metadata === "true" || b.include_all_metadata === true;
      return {
        ok: true,
        messages: [...top].reverse().map((m) => (withMeta ? m : { ...m, metadata: undefined })),
        has_more: false,
        response_metadata: { next_cursor: "" },
      };
    },
    "conversations.replies": (b) => {
      const inThread = messages.filter((m) => m.channel === b.channel && (m.ts === b.ts || m.thread_ts === b.ts));
      const oldest = b.oldest ? String(b.oldest) : "";
      const latest = b.latest ? String(b.latest) : "9";
      return { ok: true, messages: inThread.filter((m) => m.ts >= oldest && m.ts <= latest), has_more: false };
    },
  };

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const path = req.url ?? "/";
    const body = parseBody(raw, req.headers["content-type"]);
    if (path.startsWith("/response/")) {
      calls.push({ method: "response_url", path, body, raw });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    const method = path.replace(/^\/api\//, "").split("?")[0] as string;
    calls.push({ method, path, body, raw });
    const answer = api[method]?.(body) ?? { ok: false, error: "unknown_method" };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    responseUrl: (name: string) => `${base}/response/${name}`,
    calls,
    messages,
    /** Calls other than the auth.test Bolt makes once. */
    slackCalls: () => calls.filter((c) => c.method !== "auth.test"),
    reset() {
      calls.length = 0;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export type SlackServer = Awaited<ReturnType<typeof startSlackServer>>;
