/**
 * duplicity verify of a plan's `verify.duplicityPath` (#15 §1): its output read as what differs
 * (duplicity 0.8.22's own wording), the report's words for it, and the job's spec: the path
 * relative to the backed-up root, no secret in the spec, gpg refused.
 */
import { DIFFERENCES_SHOWN, duplicityVerifyFinding } from "@lifeboat/core";
import {
  type DuplicityAccess,
  DuplicityVerifyRefused,
  duplicityVerifyJobSpec,
  parseDuplicityVerify,
} from "@lifeboat/remote";
import { describe, expect, it } from "vitest";
import { logEnd } from "../../../packages/remote/src/job/duplicity-verify-job";

/** What `duplicity verify --compare-data` printed for a changed tree (0.8.22, captured). */
const OUTPUT = `Local and Remote metadata are synchronized, no sync needed.
Last full backup date: Mon Nov 30 15:17:27 2026
Difference found: File a.txt has mtime Wed Jan  1 00:00:00 2020, expected Mon Nov 30 15:17:26 2026
Difference found: File sub/b.txt is missing
Difference found: New file sub/new.txt
Difference found: Data for file c d.bin is different
Difference found: File . has permissions 700, expected 755
Difference found: Symlink link points to /etc, expected /srv
Verify complete: 7 files compared, 6 differences found.
@@lifeboat-verify-exit 1
`;

describe("duplicity verify: its output", () => {
  it("names each file that differs and how, and duplicity's counts", () => {
    expect(parseDuplicityVerify(OUTPUT, "/srv/app")).toEqual({
      path: "/srv/app",
      compared: 7,
      differences: 6,
      differing: [
        { file: "a.txt", how: "mtime Wed Jan  1 00:00:00 2020, the backup has Mon Nov 30 15:17:26 2026" },
        { file: "sub/b.txt", how: "missing, the backup has it" },
        { file: "sub/new.txt", how: "new, not in the backup" },
        { file: "c d.bin", how: "content differs" },
        { file: "", how: "permissions 700, the backup has 755" },
        { file: "link", how: "points to /etc, the backup to /srv" },
      ],
    });
  });

  it("a clean verify, one file counted", () => {
    expect(parseDuplicityVerify("Verify complete: 1 file compared, 0 differences found.\n", "/etc")).toEqual({
      path: "/etc",
      compared: 1,
      differences: 0,
      differing: [],
    });
  });

  it("output without its end is an error, not a pass", () => {
    expect(() => parseDuplicityVerify("Last full backup date: none\n", "/srv/app")).toThrow(
      /duplicity verify of \/srv\/app gave no "Verify complete:" line/,
    );
  });
});

describe("duplicity verify: a failed job's log", () => {
  it("ends with duplicity's (gpg's) words, not the runner's own lines", () => {
    const log = `Synchronizing remote metadata to local cache...
===== Begin GnuPG log =====
gpg: AES256.CFB encrypted data
gpg: decryption failed: Bad session key
===== End GnuPG log =====
2026-11-30T15:39:03Z runner: the job failed: verify failed (exit code 1); see the job's log
`;
    expect(logEnd(log)).toBe(
      "Synchronizing remote metadata to local cache... | gpg: AES256.CFB encrypted data | gpg: decryption failed: Bad session key",
    );
  });
});

describe("duplicity verify: the report's words", () => {
  it("names the files that differ under the verified path", () => {
    const finding = duplicityVerifyFinding("web-1", parseDuplicityVerify(OUTPUT, "/srv/app"));
    expect(finding).toMatchObject({ droplet: "web-1", check: "duplicity", item: "verify /srv/app", ok: false });
    expect(finding.detail).toBe(
      "duplicity verify of /srv/app: 6 files differ from the latest backup: /srv/app/a.txt (mtime Wed Jan  1 00:00:00 2020, the backup has Mon Nov 30 15:17:26 2026), /srv/app/sub/b.txt (missing, the backup has it), /srv/app/sub/new.txt (new, not in the backup), /srv/app/c d.bin (content differs), /srv/app (permissions 700, the backup has 755), /srv/app/link (points to /etc, the backup to /srv)",
    );
  });

  it("bounded: the first few named, the rest counted", () => {
    const differing = Array.from({ length: 20 }, (_, i) => ({ file: `f${i}`, how: "content differs" }));
    const { detail } = duplicityVerifyFinding("web-1", { path: "/srv/", compared: 900, differences: 412, differing });
    expect(detail).toMatch(
      /^duplicity verify of \/srv\/: 412 files differ from the latest backup: \/srv\/f0 \(content differs\), /,
    );
    expect(detail.match(/content differs/g)).toHaveLength(DIFFERENCES_SHOWN);
    expect(detail).toMatch(/\/srv\/f9 \(content differs\), and 402 more$/);
  });

  it("one file, and none", () => {
    const one = duplicityVerifyFinding("web-1", {
      path: "/etc",
      compared: 3,
      differences: 1,
      differing: [{ file: "hosts", how: "content differs" }],
    });
    expect(one.detail).toBe(
      "duplicity verify of /etc: 1 file differs from the latest backup: /etc/hosts (content differs)",
    );
    const none = duplicityVerifyFinding("web-1", { path: "/etc", compared: 1, differences: 0, differing: [] });
    expect(none).toMatchObject({
      ok: true,
      detail: "duplicity verify of /etc: 1 file compared with the latest backup, none differs",
    });
  });
});

describe("duplicity verify: the job's spec", () => {
  const passphrase = "sentinel-passphrase-7f3a";
  const access: DuplicityAccess = {
    target: {
      bucket: "backups",
      prefix: "lifeboat/duplicity/web-1",
      region: "fra1",
      endpoint: "https://fra1.example.com",
    },
    credentials: { accessKeyId: "AKIA", secretAccessKey: "sentinel-secret-key" },
    encryption: { type: "passphrase", passphrase },
  };

  it("verifies the path relative to the backed-up root, with the excludes under it, no secret in the spec", () => {
    const { spec, secrets } = duplicityVerifyJobSpec({
      runId: "run-1",
      path: "/srv/app/",
      exclude: ["/srv/app/cache", "/var/log", "/srv/application"],
      access,
    });
    expect(spec).toMatchObject({ jobId: "run-1-duplicity-verify", kind: "duplicity", runId: "run-1" });
    expect(secrets).toEqual({ passphrase });
    const [step] = spec.steps;
    expect(step).toMatchObject({ type: "run", name: "verify", env: { PASSPHRASE: "passphrase" } });
    const command = step?.type === "run" ? step.command : "";
    expect(command).toContain(
      "duplicity verify --compare-data --s3-endpoint-url=https://fra1.example.com --s3-region-name=fra1 --name=lifeboat-verify",
    );
    expect(command).toContain(
      "--exclude=/srv/app/cache --file-to-restore=srv/app boto3+s3://backups/lifeboat/duplicity/web-1 /srv/app;",
    );
    expect(command).not.toContain("/var/log");
    expect(command).not.toContain("/srv/application");
    const text = JSON.stringify(spec);
    expect(text).not.toContain(passphrase);
    expect(text).not.toContain("sentinel-secret-key");
  });

  it("refuses gpg encryption: the droplet cannot decrypt", () => {
    expect(() =>
      duplicityVerifyJobSpec({
        runId: "run-1",
        path: "/srv/app",
        exclude: [],
        access: {
          ...access,
          encryption: {
            type: "gpg",
            fingerprint: "A".repeat(40),
            publicKeyArmored: "-----BEGIN PGP PUBLIC KEY BLOCK-----",
          },
        },
      }),
    ).toThrow(DuplicityVerifyRefused);
  });
});
