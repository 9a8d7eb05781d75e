/**
 * The routine's test world wired to the harness's droplet (real sshd + dockerd, archives in
 * s3rver) the way functions/droplet-hosts.ts wires a deployed run, with only STS replaced: the
 * archive job's credentials come from the test (`archiveCredentials`), so a test can make them
 * expire. A test can act between the routine's steps (`beforeStep`), e.g. kill the job before
 * the second poll, and route SSH through a gate it closes and opens (`startSshGate`).
 */
import net from "node:net";
import {
  type DurableSteps,
  type LifeboatConfig,
  type LifeboatConfigInput,
  type LifeboatEvent,
  validateConfig,
} from "@lifeboat/core";
import { type Shell, sh } from "@lifeboat/remote";
import { S3Sink } from "@lifeboat/storage";
import { deployedDropletHosts } from "../../../functions/droplet-hosts";
import type { JobCredentials } from "../../../packages/remote/src/job/spec";
import type { Harness } from "../../harness/context";
import { makeWorld, type World } from "../../unit/routine/world";
import { openSession, remote } from "../remote/session";

/**
 * A test-side command on the "droplet", on a connection of its own: a connection kept open
 * across runs would see its keepalive timers jump with the runner's skipped time.
 */
export async function onDroplet(command: Shell): Promise<string> {
  const session = await openSession();
  try {
    return await remote(session, command);
  } finally {
    session.close();
  }
}

/** The run's sink in s3rver, under `prefix`. */
export function s3SinkOf(h: Harness, prefix: string): S3Sink {
  return new S3Sink({
    bucket: h.s3?.bucket ?? "",
    region: h.s3?.region ?? "",
    endpoint: h.s3?.endpoint ?? "",
    prefix,
    forcePathStyle: true,
    checksums: "WHEN_REQUIRED",
    credentials: { accessKeyId: h.s3?.accessKeyId ?? "", secretAccessKey: h.s3?.secretAccessKey ?? "" },
  });
}

/** Called with a step's name just before the step runs (not when a replay returns its stored result). */
export type BeforeStep = (name: string) => Promise<void> | void;

/** The context, with `before` called ahead of every step, in child contexts too. */
export function withBeforeStep(ctx: DurableSteps, before: BeforeStep): DurableSteps {
  return {
    step: (name, fn, options) =>
      ctx.step(
        name,
        async (info) => {
          await before(name);
          return fn(info);
        },
        options,
      ),
    createCallback: (name, options) => ctx.createCallback(name, options),
    wait: (name, duration) => ctx.wait(name, duration),
    waitForCondition: (name, check, options) => ctx.waitForCondition(name, check, options),
    runInChildContext: (name, fn) => ctx.runInChildContext(name, (child) => fn(withBeforeStep(child, before))),
    map: (name, items, fn, options) =>
      ctx.map(name, items, (child, item, index) => fn(withBeforeStep(child, before), item, index), options),
  };
}

export interface JobWorldOptions {
  h: Harness;
  config: LifeboatConfigInput;
  sink: S3Sink;
  privateKey: string;
  passphrase: string;
  /** The archive job's storage credentials (deployed: STS), asked for at the start and at each refresh. */
  archiveCredentials: () => Promise<JobCredentials>;
  /** duplicity's secret key (s3rver checks none). */
  duplicitySecret: string;
  jobRoot: string;
  log: (line: string) => void;
  beforeStep?: BeforeStep;
}

/** A world whose hosts reach the harness's droplet; its jobs live under `jobRoot`. */
export function jobWorld(o: JobWorldOptions): Promise<World> {
  const validated: LifeboatConfig = validateConfig(o.config);
  const h = o.h;
  const hosts = deployedDropletHosts(validated, {
    sink: o.sink,
    secrets: async <const N extends string>(names: readonly N[]) => {
      const known: Record<string, string> = { SSH_PRIVATE_KEY: o.privateKey, DUPLICITY_PASSPHRASE: o.passphrase };
      return Object.fromEntries(names.map((n) => [n, known[n] ?? ""])) as Record<N, string>;
    },
    credentials: async () => ({ accessKeyId: h.s3!.accessKeyId, secretAccessKey: o.duplicitySecret }),
    archiveCredentials: () => o.archiveCredentials(),
    duplicityEndpoint: h.s3!.endpoint,
    env: { LIFEBOAT_BUCKET: h.s3!.bucket, AWS_REGION: h.s3!.region },
    log: o.log,
    host: { helperImage: h.docker!.baseImage, restart: { delayMs: 200 }, jobRoot: o.jobRoot },
  });
  const before = o.beforeStep;
  return makeWorld({
    config: o.config,
    hosts,
    startAt: Date.parse("2026-01-04T02:30:00Z"),
    ...(before ? { wrapContext: (ctx: DurableSteps) => withBeforeStep(ctx, before) } : {}),
  });
}

/**
 * A TCP relay in front of the droplet's sshd that a test closes (new connections are refused:
 * nothing listens on its port; open ones are cut) and opens again on the same port.
 */
export interface SshGate {
  port: number;
  refuse(): Promise<void>;
  accept(): Promise<void>;
  close(): Promise<void>;
}

export async function startSshGate(targetPort: number): Promise<SshGate> {
  const sockets = new Set<net.Socket>();
  const relay = (client: net.Socket) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  };
  let server = net.createServer(relay);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  let open = true;
  const shut = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!open) return resolve();
      open = false;
      server.close(() => resolve());
    });
  return {
    port,
    refuse: shut,
    accept: async () => {
      if (open) return;
      server = net.createServer(relay);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", resolve);
      });
      open = true;
    },
    close: shut,
  };
}

export const ofType = <T extends LifeboatEvent["type"]>(events: LifeboatEvent[], type: T) =>
  events.filter((e): e is Extract<LifeboatEvent, { type: T }> => e.type === type);

/** The job directories under a job root on the droplet (a path the test chose). */
export async function jobDirsIn(root: string): Promise<string[]> {
  const out = await onDroplet(sh`if [ -d ${root} ]; then ls -1A ${root}; fi`);
  return out.split("\n").filter(Boolean);
}
