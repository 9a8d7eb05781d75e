// lifeboat's plan configuration. Validated when loaded: a mistake is reported with its path
// and a fix, and nothing runs (exit code 2). Every setting is described in README.md.
import { defineConfig } from "@lifeboat/core";

export default defineConfig({
  plans: [
    {
      // Weekly consistent snapshot: power off (after a human OK), snapshot, power on.
      name: "weekly", //                         used in snapshot names: lifeboat-weekly-<droplet>-<UTC time>
      schedule: "cron(0 3 ? * SUN *)", //         EventBridge syntax, read in timezone: Sundays 03:00
      timezone: "UTC", //                         IANA zone, e.g. "Europe/Berlin": 03:00 stays 03:00 across DST
      droplets: [{ name: "gitlab" }, { tag: "lifeboat-weekly" }], // by id, name or tag
      concurrency: 2, //                          droplets backed up at the same time
      snapshot: {
        mode: "offline", //                       offline = graceful power-off first; live; none
        approval: {
          required: true, //                      ask in Slack before powering off
          approvers: ["U0LIFEBOAT1", "U0LIFEBOAT2"], // Slack user ids whose clicks count
          timeout: "2h", //                       how long to wait for an answer
          onTimeout: "live", //                   nobody answered: proceed | skip | live
        },
        shutdownTimeout: "3m", //                 graceful shutdown, then a hard power_off
        maxDowntime: "2h", //                     the watchdog powers the droplet on after this
      },
      retention: { keepLast: 2, keepWeekly: 4, keepMonthly: 6, keepYearly: 1 }, // GFS, lifeboat's own snapshots only
      containers: { capture: "commit", stopDuringArchive: ["gitlab"] }, // commit + save images (default "none"); stop gitlab while its volumes are archived
      volumes: { include: ["gitlab-*"] }, //      Docker volumes archived with image, mount path and container
    },
    {
      // Nightly data: images, volumes and an encrypted duplicity backup; no power-off.
      name: "nightly",
      schedule: "cron(30 2 * * ? *)", //          every day 02:30 UTC
      droplets: [{ name: "drone" }, { name: "gitlab" }],
      snapshot: { mode: "none" }, //              no droplet snapshot in this plan
      retention: { keepDaily: 7, keepWeekly: 4 }, // applies to this plan's archive runs
      containers: { capture: "export", exclude: ["ssh"] },
      volumes: { include: ["*"], exclude: ["*-cache"] },
      duplicity: {
        paths: ["/etc", "/srv"], //               filesystem paths on the droplet
        exclude: ["/srv/tmp"],
        encryption: { type: "passphrase" }, //    or { type: "gpg", keyFingerprint: "…40 hex…" }
        fullEvery: "30d", //                      a new full chain after this, incrementals between
        keepFull: 2, //                           duplicity remove-all-but-n-full
      },
      hooks: { pre: [{ command: "docker exec gitlab gitlab-backup create SKIP=registry", timeout: "20m" }] },
    },
  ],
  ssh: {
    user: "root",
    port: 22,
    droplets: {
      // Pin each droplet's host key: `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the droplet.
      gitlab: { hostKey: "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s" },
      drone: { hostKey: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU" },
    },
  },
  storage: { type: "local", directory: ".lifeboat" }, // or { type: "s3", bucket, region, endpoint?, prefix }
  slack: { channel: "C0LIFEBOAT" }, //          where approval cards and run reports go
});
