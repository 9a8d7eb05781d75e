/**
 * The plan configuration, as a zod schema: the one place that says what `lifeboat.config.ts`
 * may contain. Messages are written for the person editing the file: each says what was
 * expected, and the formatter (./problems.ts) adds the path and what was found.
 *
 * Each default is stated once, on its field. A section left out is parsed as if written `{}`
 * (`.prefault({})`), so it gets exactly its fields' defaults; no section repeats them.
 */
import { z } from "zod";
import { parseDuration } from "../duration";
import { parseSchedule } from "../schedule";
import { timeZoneProblem } from "../time-zone";
import { backupsOwnerConflicts } from "./backups-owner-conflicts";
import { deploySchema } from "./deploy";
import { duplicityPathProblem } from "./duplicity-path";

const wholeNumber = (min: number) =>
  z
    .number({ error: `expected a whole number ≥ ${min}` })
    .int({ error: `expected a whole number ≥ ${min}` })
    .min(min, { error: `expected a whole number ≥ ${min}` });

/** A duration as written, for messages ("2h"), and in seconds, for waits (7200). */
export interface Duration {
  text: string;
  seconds: number;
}

const durationExpected = 'expected a duration such as "90s", "20m", "1h30m" or "7d"';

/** "90s", "20m", "1h30m", "7d": read here, once; a default is given as text too (`.prefault("2h")`). */
const duration = z.string({ error: durationExpected }).transform((text, ctx): Duration => {
  const seconds = parseDuration(text);
  if (seconds === undefined || seconds <= 0) {
    ctx.addIssue({ code: "custom", message: durationExpected, input: text });
    return z.NEVER;
  }
  return { text, seconds };
});

/** Lower-case letters, digits and dashes: plan names go into snapshot names, rule names and S3 keys. */
const slug = z
  .string({ error: "expected a name of lower-case letters, digits and dashes" })
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, {
    error: "expected 1–32 lower-case letters, digits and dashes, starting and ending with a letter or digit",
  });

const schedule = z.string({ error: "expected an EventBridge schedule expression" }).superRefine((text, ctx) => {
  const parsed = parseSchedule(text);
  if ("error" in parsed) ctx.addIssue({ code: "custom", message: parsed.error, input: text });
});

/** The IANA zone a plan's cron is read in ("3 am" stays 3 am across DST). */
const timeZone = z
  .string({ error: 'expected an IANA time zone name such as "Europe/Berlin"' })
  .superRefine((name, ctx) => {
    const problem = timeZoneProblem(name);
    if (problem) ctx.addIssue({ code: "custom", message: problem, input: name });
  });

const slackUserId = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,}$/, { error: 'expected a Slack user id such as "U024BE7LH" (not a @name)' });

/** A droplet is named by its numeric id, its name, or a tag that selects several. */
const dropletSelector = z.union(
  [
    z.strictObject({ id: wholeNumber(1) }),
    z.strictObject({ name: z.string().min(1) }),
    z.strictObject({
      tag: z.string().regex(/^[a-zA-Z0-9_\-:]{1,255}$/, { error: "expected a DigitalOcean tag name" }),
    }),
  ],
  { error: 'expected { id: 123 }, { name: "web-1" } or { tag: "backup" }' },
);

const approval = z.strictObject({
  required: z.boolean({ error: "expected true or false" }).default(true),
  approvers: z.array(slackUserId, { error: "expected a list of Slack user ids" }).default([]),
  timeout: duration.prefault("2h"),
  onTimeout: z.enum(["proceed", "skip", "live"], { error: 'expected "proceed", "skip" or "live"' }).default("skip"),
});

const snapshot = z.strictObject({
  mode: z
    .enum(["offline", "live", "none"], { error: 'expected "offline" (power off first), "live" or "none"' })
    .default("offline"),
  approval: approval.prefault({}),
  shutdownTimeout: duration.prefault("2m"),
  maxDowntime: duration.prefault("2h"),
  /** Regions a good snapshot is copied to (image action `transfer`, #16 §2); its retention covers the copies. */
  copyTo: z.array(z.string().regex(/^[a-z]{3}\d$/, { error: 'expected a region slug such as "ams3"' })).default([]),
  /**
   * A droplet whose DigitalOcean Backups window is open or about to open (`next_backup_window`) is
   * not powered off: `wait` waits for the window to end, `warn` goes ahead and says so (#16 §1).
   */
  duringBackupWindow: z
    .enum(["wait", "warn"], { error: 'expected "wait" (for the backup window to end) or "warn" (go ahead)' })
    .default("wait"),
});

const keep = wholeNumber(0).optional();

/**
 * A policy that sets none of the keep* counts (left out, or `{}`) keeps the last 7; one that
 * sets some keeps none by the others.
 */
const retention = z
  .strictObject({ keepLast: keep, keepDaily: keep, keepWeekly: keep, keepMonthly: keep, keepYearly: keep })
  .transform((stated) => {
    const r: typeof stated = Object.values(stated).some((n) => n !== undefined) ? stated : { keepLast: 7 };
    return {
      keepLast: r.keepLast ?? 0,
      keepDaily: r.keepDaily ?? 0,
      keepWeekly: r.keepWeekly ?? 0,
      keepMonthly: r.keepMonthly ?? 0,
      keepYearly: r.keepYearly ?? 0,
    };
  });

const containers = z.strictObject({
  include: z.array(z.string().min(1)).default(["*"]),
  exclude: z.array(z.string().min(1)).default([]),
  capture: z
    .enum(["commit", "export", "none"], { error: 'expected "commit" (commit + save), "export" or "none"' })
    .default("none"),
  stopDuringArchive: z.array(z.string().min(1)).default([]),
});

/** Small, with `sh` and `tar`; Docker pulls it if the droplet lacks it. Exported for a restore whose plan is gone. */
export const DEFAULT_VOLUME_HELPER_IMAGE = "busybox:1.36";

const absolutePath = z.string().regex(/^\/\S*$/, { error: "expected an absolute path on the droplet" });

const duplicity = z.strictObject({
  paths: z.array(absolutePath).min(1, { error: "expected at least one path to back up" }),
  exclude: z.array(absolutePath).default([]),
  encryption: z.discriminatedUnion(
    "type",
    [
      z.strictObject({
        type: z.literal("gpg"),
        /** The public key's fingerprint (40 hex digits); the armored key is given with the secret or on the droplet. */
        keyFingerprint: z
          .string()
          .regex(/^[0-9A-F]{40}$/, { error: "expected the key's 40-character fingerprint, upper-case hex" }),
      }),
      z.strictObject({ type: z.literal("passphrase") }),
    ],
    { error: 'expected { type: "gpg", keyFingerprint: "…" } or { type: "passphrase" } (passphrase from the secret)' },
  ),
  fullEvery: duration.prefault("30d"),
  keepFull: wholeNumber(1).default(2),
});

const hook = z.strictObject({
  command: z.string().min(1, { error: "expected a command" }),
  timeout: duration.prefault("5m"),
});

/**
 * A `pre` hook also says what a failure of it means. By default the droplet's archives and
 * duplicity are skipped (the snapshot, which does not depend on the hook, is still taken):
 * an archive made after a failed database dump would be a lie. `continue` archives anyway.
 */
const preHook = hook.extend({
  onFailure: z
    .enum(["skip-archives", "continue"], {
      error: 'expected "skip-archives" (the default: no archives or duplicity after a failed pre hook) or "continue"',
    })
    .default("skip-archives"),
});

/** A bandwidth such as "20MB/s" or "500KB/s" (bytes, powers of 1024), as bytes per second. */
const bandwidth = z
  .string()
  .regex(/^\d+(?:\.\d+)?(?:KB|MB|GB)\/s$/, { error: 'expected a bandwidth such as "20MB/s" or "500KB/s"' })
  .transform((text) => {
    const [, amount, unit] = /^([\d.]+)(KB|MB|GB)/.exec(text)!;
    const scale = { KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[unit as "KB" | "MB" | "GB"];
    return { text, bytesPerSecond: Math.round(Number(amount) * scale) };
  });

/**
 * Archives and duplicity run as jobs on the droplet, followed by the routine across durable
 * waits. A job that makes no progress for `stallAfter`, or a droplet that cannot be reached
 * for `unreachableFor`, is stopped and the phase fails (the snapshot is still taken).
 */
const jobs = z.strictObject({
  stallAfter: duration.prefault("10m"),
  unreachableFor: duration.prefault("30m"),
  /** Caps the droplet's uploads to storage (archives), so the workload keeps its bandwidth. */
  bandwidthLimit: bandwidth.optional(),
});

/**
 * Where the plan reports that it ran (#17): `ping` is a dead-man's switch in the healthchecks.io
 * protocol (hc-ping.com, self-hosted Healthchecks; Uptime Kuma's push URL takes only the success
 * ping, and Cronitor's suffixes differ: README): `<url>/start`,
 * `<url>`, `<url>/fail`. The URL is a secret: it is never shown in full.
 */
const notify = z.strictObject({
  ping: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as "https://hc-ping.com/<uuid>"' })
    .optional(),
});

/** A share of the stored archives, from 0 (none) to 1 (all). */
const fraction = z
  .number({ error: "expected a fraction from 0 to 1, e.g. 0.1 for a tenth" })
  .min(0, { error: "expected a fraction from 0 to 1, e.g. 0.1 for a tenth" })
  .max(1, { error: "expected a fraction from 0 to 1, e.g. 0.1 for a tenth" });

/**
 * Opt-in: at the end of a run, check what is stored (#15 §1); `readData` re-reads that share of the
 * archives; `duplicityPath` (under one of `duplicity.paths`) is compared with the latest duplicity
 * backup by `duplicity verify`, run on the droplet.
 */
const verify = z.strictObject({ readData: fraction.default(0), duplicityPath: absolutePath.optional() });

const weekday = z.enum(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], {
  error: 'expected a weekday: "SUN", "MON", "TUE", "WED", "THU", "FRI" or "SAT"',
});

/**
 * DigitalOcean's own Backups per plan (#16 §1): `unmanaged` (lifeboat reads, never changes), `off`,
 * or a policy every run reconciles. `hour` is the start of DO's 4-hour window, UTC.
 */
const dropletBackups = z.union(
  [
    z.literal("unmanaged"),
    z.literal("off"),
    z.strictObject({
      plan: z.enum(["daily", "weekly"], { error: 'expected "daily" or "weekly"' }),
      weekday: weekday.optional(),
      hour: z
        .literal([0, 4, 8, 12, 16, 20], {
          error: "expected an hour of 0, 4, 8, 12, 16 or 20 (UTC; DO's windows are 4 hours)",
        })
        .optional(),
    }),
  ],
  { error: 'expected "unmanaged", "off" or { plan: "daily" | "weekly", weekday?, hour? }' },
);

/**
 * A restore drill (#15 §2): on its own schedule, a scratch droplet from the latest lifeboat
 * snapshot, checked, always destroyed. `maxAge` is how long the watchdog lets a drill droplet
 * live before it destroys it.
 */
const drill = z.strictObject({
  schedule,
  /** A size slug; default: the cheapest size whose disk fits the snapshot. */
  size: z
    .string()
    .regex(/^[a-z0-9-]+$/, { error: 'expected a size slug such as "s-1vcpu-1gb"' })
    .optional(),
  checks: z.array(hook).default([]),
  restoreVolumes: z.boolean({ error: "expected true or false" }).default(false),
  /** Refuse to boot a size dearer than this, in USD per hour. */
  maxHourlyPrice: z.number({ error: "expected a price in USD per hour, e.g. 0.03" }).positive().optional(),
  maxAge: duration.prefault("2h"),
});

const plan = z.strictObject({
  name: slug,
  schedule,
  timezone: timeZone.default("UTC"),
  droplets: z.array(dropletSelector).min(1, { error: "expected at least one droplet selector" }),
  concurrency: wholeNumber(1).default(2),
  snapshot: snapshot.prefault({}),
  retention: retention.prefault({}),
  containers: containers.prefault({}),
  volumes: z
    .strictObject({
      include: z.array(z.string().min(1)).default([]),
      exclude: z.array(z.string().min(1)).default([]),
      /** The image whose `sh` and `tar` read a volume on the droplet; must be there or pullable. */
      helperImage: z
        .string()
        .regex(/^[a-z0-9][a-z0-9._/:@-]*$/, { error: 'expected an image reference such as "busybox:1.36"' })
        .default(DEFAULT_VOLUME_HELPER_IMAGE),
    })
    .prefault({}),
  duplicity: duplicity.optional(),
  jobs: jobs.prefault({}),
  hooks: z.strictObject({ pre: z.array(preHook).default([]), post: z.array(hook).default([]) }).prefault({}),
  notify: notify.prefault({}),
  verify: verify.optional(),
  drill: drill.optional(),
  dropletBackups: dropletBackups.default("unmanaged"),
});

const sshFingerprint = z
  .string()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, { error: 'expected "SHA256:" and 43 characters, as `ssh-keygen -lf` prints' });

/**
 * How lifeboat reaches one droplet: over SSH (the default; its host key pinned, its address
 * the droplet's public IPv4 unless given), or `transport: "local"` when lifeboat runs on the
 * droplet itself (the same commands through a local shell).
 */
const sshDroplet = z
  .strictObject({
    transport: z
      .enum(["ssh", "local"], { error: 'expected "ssh" (the default) or "local" (lifeboat runs on this droplet)' })
      .default("ssh"),
    hostKey: sshFingerprint.optional(),
    address: z.string().min(1).optional(),
  })
  .superRefine((droplet, ctx) => {
    if (droplet.transport === "ssh" && droplet.hostKey === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["hostKey"],
        message:
          'a droplet reached over SSH needs its pinned host key: "SHA256:…" from `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on it (or transport: "local" when lifeboat runs on it)',
      });
    }
    if (droplet.transport === "local") {
      for (const key of ["hostKey", "address"] as const) {
        if (droplet[key] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            input: droplet[key],
            message: 'not used with transport: "local" (commands run on this machine); remove it',
          });
        }
      }
    }
  });

const ssh = z.strictObject({
  user: z.string().min(1).default("root"),
  port: wholeNumber(1).max(65_535, { error: "expected a port from 1 to 65535" }).default(22),
  /** Per droplet name: how to reach it. A droplet without an entry gets no SSH phases. */
  droplets: z.record(z.string(), sshDroplet).default({}),
});

const storage = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      type: z.literal("s3"),
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "expected an S3 bucket name" }),
      region: z.string().min(1),
      /** For DigitalOcean Spaces, e.g. "https://fra1.digitaloceanspaces.com". */
      endpoint: z.url({ error: "expected an https:// URL" }).optional(),
      prefix: z.string().default("lifeboat/"),
    }),
    z.strictObject({ type: z.literal("local"), directory: z.string().min(1).default(".lifeboat") }),
  ],
  { error: 'expected { type: "s3", bucket, region } or { type: "local", directory }' },
);

export const configSchema = z
  .strictObject({
    plans: z.array(plan, { error: "expected a list of plans" }).min(1, { error: "expected at least one plan" }),
    ssh: ssh.prefault({}),
    // A union has no `{}`: left out, it is the local kind with that kind's defaults.
    storage: storage.prefault({ type: "local" }),
    slack: z
      .strictObject({
        channel: z.string().regex(/^[CGD][A-Z0-9]{2,}$/, { error: 'expected a channel id such as "C0123ABCD"' }),
      })
      .optional(),
    deploy: deploySchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.plans.forEach((p, i) => {
      const first = seen.get(p.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["plans", i, "name"],
          input: p.name,
          message: `plan name already used by plans[${first}]; names must be unique`,
        });
      } else seen.set(p.name, i);

      const r = p.retention;
      if (r.keepLast + r.keepDaily + r.keepWeekly + r.keepMonthly + r.keepYearly === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["plans", i, "retention"],
          message: "this policy keeps nothing; set keepLast (or another keep*) to 1 or more",
        });
      }
      const s = p.snapshot;
      if (s.mode === "offline" && s.approval.required && s.approval.approvers.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["plans", i, "snapshot", "approval", "approvers"],
          message: "approval is required but nobody can approve; add Slack user ids, or set required: false",
        });
      }
      if (s.mode === "offline" && s.maxDowntime.seconds <= s.shutdownTimeout.seconds) {
        ctx.addIssue({
          code: "custom",
          path: ["plans", i, "snapshot", "maxDowntime"],
          input: s.maxDowntime.text,
          message: `must be longer than shutdownTimeout (${s.shutdownTimeout.text}), or the watchdog powers the droplet on mid-snapshot`,
        });
      }
      const duplicityPath = p.verify?.duplicityPath;
      const pathProblem = duplicityPath === undefined ? undefined : duplicityPathProblem(duplicityPath, p.duplicity);
      if (pathProblem) {
        ctx.addIssue({
          code: "custom",
          path: ["plans", i, "verify", "duplicityPath"],
          input: duplicityPath,
          message: pathProblem,
        });
      }
      for (const [j, name] of p.containers.stopDuringArchive.entries()) {
        if (p.containers.capture === "none" && p.volumes.include.length === 0) {
          ctx.addIssue({
            code: "custom",
            path: ["plans", i, "containers", "stopDuringArchive", j],
            input: name,
            message: "nothing is archived in this plan, so nothing would be stopped; add volumes.include or remove it",
          });
        }
      }
    });
    for (const c of backupsOwnerConflicts(config.plans)) {
      ctx.addIssue({
        code: "custom",
        path: ["plans", c.plan, "droplets", c.selector, c.key],
        input: c.value,
        message: c.message,
      });
    }
  });

/** What a config file is written as (defaults optional). */
export type LifeboatConfigInput = z.input<typeof configSchema>;
/** A validated config with every default filled in. */
export type LifeboatConfig = z.output<typeof configSchema>;
export type Plan = LifeboatConfig["plans"][number];
export type DropletSelector = Plan["droplets"][number];
export type RetentionPolicy = Plan["retention"];
export type StorageConfig = LifeboatConfig["storage"];
export type SshConfig = LifeboatConfig["ssh"];
/** What a plan wants of DigitalOcean's own Backups. */
export type DropletBackupsSetting = Plan["dropletBackups"];
