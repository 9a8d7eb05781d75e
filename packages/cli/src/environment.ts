/**
 * Where a command runs — the embedded defaults. No `DIGITALOCEAN_TOKEN`: an in-process
 * sandbox with the sample fleet (and the first line of output says so). A token: the real
 * DigitalOcean API, or `DIGITALOCEAN_ENDPOINT` (e.g. a `lifeboat sandbox` in another
 * terminal). Storage is the config's (default local `./.lifeboat/`).
 */
import type { LifeboatConfig } from "@lifeboat/core";
import { type ClientLogEvent, clientLogLine, DigitalOceanClient } from "@lifeboat/digitalocean";
import { addSampleFleet, type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { type Sink, sinkFor } from "@lifeboat/storage";
import { speedTime, type TimeBase } from "./run/time-base";
import { serverTime } from "./server-clock";

/** The embedded sandbox runs 100× faster than the wall clock: a 24-minute snapshot takes ~15 s. */
export const DEMO_SPEED = 100;

export interface Environment {
  api: DigitalOceanClient;
  time: TimeBase;
  /** "sandbox" = in this process; "endpoint" = DIGITALOCEAN_ENDPOINT; "digitalocean" = the real API. */
  target: "sandbox" | "endpoint" | "digitalocean";
  /** The first line a command prints: what it is talking to. */
  notice: string;
  /** The embedded sandbox, when there is one. */
  sandbox?: Sandbox;
  close(): Promise<void>;
}

export interface EnvironmentOptions {
  /** `--speed`: time factor, only against a sandbox. */
  speed?: number;
  /** Always the embedded sandbox, whatever the environment says (`npm start`). */
  forceSandbox?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Thrown for bad input about the environment (exit 2). */
export class EnvironmentError extends Error {}

/** Opens the API the command talks to. The token is read from the environment only, never from argv. */
export async function openEnvironment(options: EnvironmentOptions = {}): Promise<Environment> {
  const env = options.env ?? process.env;
  const token = env.DIGITALOCEAN_TOKEN;
  const endpoint = env.DIGITALOCEAN_ENDPOINT;
  if (options.speed !== undefined && !(options.speed > 0)) {
    throw new EnvironmentError(`--speed must be a positive number, got ${options.speed}`);
  }
  if (options.forceSandbox || !token) {
    const speed = options.speed ?? DEMO_SPEED;
    const sandbox = await startSandbox({ time: "real", speed });
    addSampleFleet(sandbox);
    const time = speedTime(speed, () => sandbox.clock.now());
    const api = new DigitalOceanClient({
      token: sandbox.token,
      endpoint: sandbox.url,
      clock: sandbox.clock,
      pendingEvent: { pollMs: 15_000, timeoutMs: 3_600_000 },
      log: logOnStderr,
    });
    const why = token ? "the demo always does" : "no DIGITALOCEAN_TOKEN is set";
    return {
      api,
      time,
      target: "sandbox",
      notice: `Using the built-in DigitalOcean sandbox (${why}), sample droplets gitlab, drone and ssh, time ${speed}× faster.`,
      sandbox,
      close: () => sandbox.close(),
    };
  }
  if (options.speed !== undefined && !endpoint) {
    throw new EnvironmentError(
      "--speed only works against a sandbox: unset DIGITALOCEAN_TOKEN, or point DIGITALOCEAN_ENDPOINT at `lifeboat sandbox`",
    );
  }
  const speed = options.speed ?? 1;
  // A sped-up endpoint is a sandbox: its time is the run's time (see ./server-clock.ts).
  const time = endpoint && speed !== 1 ? await serverTime(endpoint, token, speed) : speedTime(speed);
  const api = new DigitalOceanClient({ token, ...(endpoint ? { endpoint } : {}), clock: time, log: logOnStderr });
  return {
    api,
    time,
    target: endpoint ? "endpoint" : "digitalocean",
    notice: endpoint
      ? `Using the DigitalOcean API at ${endpoint} (DIGITALOCEAN_ENDPOINT)${speed === 1 ? "" : `, time ${speed}× faster`}.`
      : "Using the DigitalOcean API with your DIGITALOCEAN_TOKEN: this acts on real droplets.",
    close: async () => undefined,
  };
}

/**
 * The client's retries, 429 waits and recovered calls: one line each on stderr, beside the
 * command's own output (stdout stays the result, or the one `--json` object). The events
 * never hold the token.
 */
function logOnStderr(event: ClientLogEvent): void {
  process.stderr.write(`lifeboat: ${clientLogLine(event)}\n`);
}

/** The archive store the config names (default: local `./.lifeboat/`). */
export function openStorage(config: LifeboatConfig): Sink {
  return sinkFor(config.storage);
}
