/**
 * `startSandbox()`: the DigitalOcean API simulator on 127.0.0.1 (any free port), with its
 * state, clock, faults and request log in reach of the test or demo that started it.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RealTimeClock, type SandboxClock, VirtualClock } from "./clock";
import { FaultPlan, type FaultRule } from "./faults";
import { doRateLimits, type RateLimits, TokenRateLimiter } from "./rate-limit";
import { doError, matchRoute, type RouteResult } from "./routes";
import { type ActionTimings, defaultTimings, type NewDroplet, type SandboxDroplet, SandboxState } from "./state";

export interface SandboxOptions {
  /** "virtual" (default): time moves when the test advances it or every caller sleeps. */
  time?: "virtual" | "real";
  /** Real-time mode only: how much faster than the wall clock (default 1). */
  speed?: number;
  /** Start of virtual time (epoch ms). */
  startAt?: number;
  /** Tokens the sandbox accepts; default one random token. */
  tokens?: string[];
  rateLimits?: Partial<RateLimits>;
  timings?: Partial<ActionTimings>;
  /**
   * The public IPv4 each droplet gets (default `203.0.113.x`): e.g. a drill test maps the
   * scratch droplet to a second harness sshd. Also settable later as `state.addressOf`.
   */
  addressOf?: (droplet: SandboxDroplet) => string | undefined;
}

/** One request the sandbox received and what it answered (no token: only which one). */
export interface ExchangeRecord {
  seq: number;
  /** Sandbox time when the request arrived. */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Request headers, minus `authorization`. */
  headers: Record<string, string>;
  body: unknown;
  operationId: string | undefined;
  /** Index of the token used in `tokens`, or -1 for a wrong or missing one. */
  tokenIndex: number;
  status: number | undefined;
  responseHeaders: Record<string, string>;
  responseBody: unknown;
  /** The connection was destroyed instead of answered. */
  dropped: boolean;
}

export interface Sandbox {
  /** Base URL including `/v2`, e.g. for dots-wrapper's `endpoint`. */
  url: string;
  token: string;
  tokens: string[];
  clock: SandboxClock;
  state: SandboxState;
  /** Every exchange, in arrival order. */
  log: ExchangeRecord[];
  addDroplet(spec: NewDroplet): SandboxDroplet;
  /** Makes calls go wrong; see `Fault`. */
  inject(rule: FaultRule): void;
  clearFaults(): void;
  /** Moves the clock forward (virtual time: waking the sleepers now due). */
  advance(ms: number): void;
  droplet(id: number): SandboxDroplet | undefined;
  close(): Promise<void>;
}

/**
 * @example
 * const sandbox = await startSandbox();
 * const gitlab = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 24 });
 * sandbox.inject({ operationId: "dropletActions_post", fault: { kind: "drop", when: "after" } });
 * // … point the client at sandbox.url with sandbox.token …
 * await sandbox.close();
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = options.time === "real" ? new RealTimeClock(options.speed ?? 1) : new VirtualClock(options.startAt);
  const virtual = clock instanceof VirtualClock ? clock : undefined;
  const state = new SandboxState(clock, { ...defaultTimings, ...options.timings });
  state.addressOf = options.addressOf;
  const tokens = options.tokens ?? [`sandbox_${randomBytes(16).toString("hex")}`];
  const limiter = new TokenRateLimiter({ ...doRateLimits, ...options.rateLimits });
  const faults = new FaultPlan();
  const log: ExchangeRecord[] = [];
  let baseUrl = "";

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    virtual?.enterBusy();
    const url = new URL(req.url ?? "/", baseUrl);
    const raw = await readBody(req);
    const record: ExchangeRecord = {
      seq: log.length + 1,
      at: clock.now(),
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(
        Object.entries(req.headers)
          .filter(([k]) => k !== "authorization")
          .map(([k, v]) => [k, String(v)]),
      ),
      body: parseJson(raw),
      operationId: undefined,
      tokenIndex: tokens.indexOf((req.headers.authorization ?? "").replace(/^Bearer /, "")),
      status: undefined,
      responseHeaders: {},
      responseBody: undefined,
      dropped: false,
    };
    log.push(record);
    try {
      const match = matchRoute(record.method, url.pathname);
      record.operationId = match?.route.operationId;
      const dropletId = match?.params.droplet_id ? Number(match.params.droplet_id) : undefined;
      const taken = match ? faults.take(match.route.operationId, dropletId) : [];
      const latency = taken.find((f) => f.kind === "latency");
      if (latency?.kind === "latency") await new Promise((r) => setTimeout(r, latency.ms));
      const drop = taken.find((f) => f.kind === "drop");
      if (drop?.kind === "drop" && drop.when === "before") return dropConnection(req, res, record);

      const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
      headers["x-request-id"] = randomUUID();
      // DigitalOcean's Date header, in the sandbox's time: a client pointed at a sped-up or
      // advanced sandbox reads its time from here (packages/cli/src/server-clock.ts).
      headers.date = new Date(clock.now()).toUTCString();
      let result: RouteResult;
      if (record.tokenIndex < 0) {
        Object.assign(headers, limiter.peek("", clock.now()));
        result = doError(401, "unauthorized", "Unable to authenticate you");
      } else {
        const decision = limiter.take(tokens[record.tokenIndex]!, clock.now());
        Object.assign(headers, decision.headers);
        const forced429 = taken.find((f) => f.kind === "rate-limit");
        const status5xx = taken.find((f) => f.kind === "status");
        if (!decision.allowed) {
          result = doError(429, "too_many_requests", "API rate limit exceeded.");
        } else if (forced429?.kind === "rate-limit") {
          // DO's burst-limit shape: remaining 0 (not the hour's count) beside `retry-after`.
          headers["ratelimit-remaining"] = "0";
          headers["retry-after"] = String(forced429.retryAfterSeconds ?? 1);
          result = doError(429, "too_many_requests", "API rate limit exceeded.");
        } else if (status5xx?.kind === "status") {
          result = doError(status5xx.status, "server_error", "Unexpected server-side error");
        } else if (!match) {
          result = doError(404, "not_found", "The resource you were accessing could not be found.");
        } else {
          state.settle();
          result = match.route.handle({ state, url, params: match.params, body: record.body, faults: taken });
        }
      }
      if (result.status >= 400 && result.body && typeof result.body === "object" && "id" in result.body) {
        (result.body as Record<string, unknown>).request_id = headers["x-request-id"];
      }
      record.status = result.status;
      record.responseHeaders = headers;
      record.responseBody = result.body;
      if (drop?.kind === "drop") return dropConnection(req, res, record);
      if (result.body === undefined && !result.contentTypeWithoutBody) delete headers["content-type"];
      res.writeHead(result.status, headers);
      res.end(result.body === undefined ? undefined : JSON.stringify(result.body));
    } finally {
      virtual?.leaveBusy();
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "server_error", message: `sandbox bug: ${String(error)}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${baseUrl}/v2`,
    token: tokens[0]!,
    tokens,
    clock,
    state,
    log,
    addDroplet: (spec) => state.addDroplet(spec),
    inject: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    advance(ms) {
      (clock as VirtualClock | RealTimeClock).advance(ms);
    },
    droplet(id) {
      state.settle();
      return state.droplets.get(id);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

function dropConnection(req: IncomingMessage, res: ServerResponse, record: ExchangeRecord): void {
  record.dropped = true;
  req.socket.destroy();
  res.destroy();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(raw: string): unknown {
  if (raw === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
