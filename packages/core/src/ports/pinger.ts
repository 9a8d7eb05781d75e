/**
 * What the routine needs of a dead-man's switch (#17): one ping per signal of the healthchecks.io
 * protocol. `@lifeboat/ping` implements it over HTTP; a ping that fails is reported in the
 * result, never thrown, so it cannot fail a backup.
 */

/** `start` when a run starts; `success` or `fail` when it ends. */
export type PingSignal = "start" | "success" | "fail";

export interface PingRequest {
  /** The plan's `notify.ping` URL: a secret, never shown in full (see `redactUrl`). */
  url: string;
  signal: PingSignal;
  /** The run's id: start and end pings of one run carry the same run id (`rid`), also across replays. */
  runId: string;
  /** A short plain-text summary of the run (end pings only). */
  body?: string;
}

export type PingResult = { ok: true; attempts: number } | { ok: false; attempts: number; error: string };

export interface Pinger {
  /** Sends one ping with bounded retries; resolves with what happened, never rejects. */
  ping(request: PingRequest): Promise<PingResult>;
}
