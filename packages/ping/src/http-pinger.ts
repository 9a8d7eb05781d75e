/**
 * core's `Pinger` over `fetch`. `start` is a GET (what every such service accepts); `success`
 * and `fail` are POSTs whose plain-text body is the run's summary (healthchecks.io keeps it
 * with the event; it stores up to 100 kB, self-hosted 10 kB by default: ours is ≤ 500 bytes).
 *
 * A ping must never hold up or fail a backup: each try has a short timeout, a failed try
 * (no connection, timeout, 5xx, 429) is tried again after a short pause, at most `tries` times,
 * so a dead or hanging service costs at most tries × timeoutMs + the pauses (default 3 × 5 s
 * + 1 s + 2 s). Another 4xx (a wrong or deleted check) is not tried again. The result says
 * what happened; nothing is thrown. The URL is a secret: errors and log lines show it
 * redacted, and the errors of `fetch` (which may quote it) are never passed on.
 */
import { type Pinger, type PingRequest, type PingResult, redactUrl } from "@lifeboat/core";
import { pingTarget } from "./ping-url";

export interface HttpPingerOptions {
  /**
   * Time for one try, connecting to the body read, in ms.
   * @default 5000
   */
  timeoutMs?: number;
  /**
   * Tries per ping, the first included.
   * @default 3
   */
  tries?: number;
  /**
   * Pause after the first failed try, doubled after each next one, in ms.
   * @default 1000
   */
  retryDelayMs?: number;
  /** Told about every ping that failed for good (URL redacted). */
  log?: (line: string) => void;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * @example
 * const pinger = httpPinger({ log: (line) => console.log(line) });
 * await pinger.ping({ url: "https://hc-ping.com/<uuid>", signal: "start", runId: "weekly-20260104T030000Z" });
 */
export function httpPinger(options: HttpPingerOptions = {}): Pinger {
  const timeoutMs = options.timeoutMs ?? 5000;
  const tries = Math.max(1, options.tries ?? 3);
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const doFetch = options.fetch ?? globalThis.fetch;

  return {
    async ping(request: PingRequest): Promise<PingResult> {
      let error = "not tried";
      for (let attempt = 1; attempt <= tries; attempt++) {
        const tried = await tryOnce(doFetch, request, timeoutMs);
        if (tried.ok) return { ok: true, attempts: attempt };
        error = tried.error;
        if (!tried.retry || attempt === tries) {
          options.log?.(
            `${request.signal} ping to ${redactUrl(request.url)} failed after ${attempt} ${attempt === 1 ? "try" : "tries"}: ${error}`,
          );
          return { ok: false, attempts: attempt, error };
        }
        await sleep(retryDelayMs * 2 ** (attempt - 1));
      }
      return { ok: false, attempts: tries, error };
    },
  };
}

type Try = { ok: true } | { ok: false; retry: boolean; error: string };

async function tryOnce(doFetch: typeof fetch, request: PingRequest, timeoutMs: number): Promise<Try> {
  let target: URL;
  try {
    target = pingTarget(request.url, request.signal, request.runId);
  } catch {
    return { ok: false, retry: false, error: "not a URL" };
  }
  const withBody = request.signal !== "start";
  try {
    const response = await doFetch(target, {
      method: withBody ? "POST" : "GET",
      ...(withBody ? { body: request.body ?? "", headers: { "content-type": "text/plain; charset=utf-8" } } : {}),
      redirect: "follow",
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Read (and drop) the short answer under the same timeout, so the connection is released.
    await response.arrayBuffer();
    if (response.ok) return { ok: true };
    const retry = response.status >= 500 || response.status === 429;
    return { ok: false, retry, error: `HTTP ${response.status}` };
  } catch (e) {
    return { ok: false, retry: true, error: reasonOf(e, timeoutMs) };
  }
}

/** Why a try failed, in words that never quote the URL (undici's messages may). */
function reasonOf(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: unknown; name?: string } };
  if (e?.name === "TimeoutError" || e?.cause?.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  const code = e?.cause?.code;
  if (typeof code === "string" && /^[A-Z_]+$/.test(code)) return `network error ${code}`;
  return "network error";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
