/**
 * `duplicity verify --compare-data` of one path against the latest duplicity backup, as a job on
 * the droplet (./spec.ts), for a plan's `verify.duplicityPath` (#15 §1). It gets what the backup
 * job gets and nothing more: the passphrase as `secrets/passphrase` (0600, handed to duplicity as
 * PASSPHRASE by the runner), storage credentials through the runner's credential_process, none
 * of it in argv. It reads through a metadata cache of its own inside the job's directory, so it
 * never waits on the lock of a backup running with the real cache, and leaves nothing behind.
 *
 * duplicity exits 1 when files differ (and for some other errors): the job succeeds when duplicity
 * exited 0, or 1 after its "Verify complete:" line; the differences are then read from its output,
 * bounded on the droplet, and are a result, not a failure.
 */
import type { DuplicityDifference, DuplicityVerifyResult } from "@lifeboat/core";
import type { DuplicityAccess } from "../droplet-host";
import { commonArgs, targetUrl } from "../duplicity/command";
import { checkDuplicity } from "../duplicity/run";
import { absolutePath, UnsafeNameError } from "../names";
import type { RemoteSession } from "../session";
import { sh } from "../shell";
import { jobCredentials, jobStorage, withJobGnupg } from "./duplicity-job";
import { listJobs, readJob, removeJob, startJob } from "./lifecycle";
import type { JobSpec } from "./spec";

/** The job's `run` step, whose stdout is `outputs/verify`. */
export const DUPLICITY_VERIFY_OUTPUT = "verify";
const SUFFIX = "-duplicity-verify";
/** Difference lines read back from the droplet; duplicity's own count says how many there are. */
const DIFFERENCES_READ = 20;

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/;

/** "<runId>-duplicity-verify", refusing a run id that is not a plain name. */
export function duplicityVerifyJobId(runId: string): string {
  if (!RUN_ID.test(runId)) throw new UnsafeNameError("key", runId, 'a run id of letters, digits, ".", "_" and "-"');
  return `${runId}${SUFFIX}`;
}

/** The duplicity encryption cannot be read back on the droplet (gpg: it holds only the public key). */
export class DuplicityVerifyRefused extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = "DuplicityVerifyRefused";
  }
}

export interface DuplicityVerifyInput {
  runId: string;
  /** The absolute path to compare with the backup (it was backed up from "/"). */
  path: string;
  /** The plan's `duplicity.exclude`: those under `path` are not in the backup, so not compared. */
  exclude: readonly string[];
  access: DuplicityAccess;
  /** The duplicity binary on the droplet; default "duplicity". */
  binary?: string;
}

const trimmed = (path: string) => absolutePath(path).replace(/\/+$/, "") || "/";
const isUnder = (path: string, root: string) => root === "/" || path === root || path.startsWith(`${root}/`);

/** The job's spec and its secret file (no I/O). */
export function duplicityVerifyJobSpec(input: DuplicityVerifyInput): {
  spec: JobSpec;
  secrets: Record<string, string>;
} {
  const { access } = input;
  if (access.encryption.type !== "passphrase") {
    throw new DuplicityVerifyRefused(
      "duplicity verify must decrypt the backup on the droplet, and with gpg encryption the droplet holds only the public key; it needs passphrase encryption",
    );
  }
  const binary = input.binary ?? "duplicity";
  const path = trimmed(input.path);
  const relative = path.replace(/^\/+/, "");
  const url = targetUrl(access.target);
  const cache = [
    ...commonArgs(access.target, { name: "lifeboat-verify" }),
    sh`--archive-dir="$LIFEBOAT_JOB_DIR/cache"`,
  ];
  const exclude = input.exclude
    .map(trimmed)
    .filter((e) => e !== path && isUnder(e, path))
    .map((e) => `--exclude=${e}`);
  const only = relative ? [`--file-to-restore=${relative}`] : [];
  const verify = sh`{ ${binary} verify --compare-data ${cache} ${exclude} ${only} ${url} ${path}; code=$?; printf '@@lifeboat-verify-exit %s\\n' "$code"; [ "$code" = 0 ] || { [ "$code" = 1 ] && grep -q '^Verify complete: ' "$LIFEBOAT_JOB_DIR/outputs/${DUPLICITY_VERIFY_OUTPUT}"; }; }`;
  const spec: JobSpec = {
    version: 1,
    jobId: duplicityVerifyJobId(input.runId),
    kind: "duplicity",
    runId: input.runId,
    ...jobStorage(access),
    steps: [
      {
        type: "run",
        name: DUPLICITY_VERIFY_OUTPUT,
        command: withJobGnupg(verify).text,
        env: { PASSPHRASE: "passphrase" },
      },
    ],
  };
  return { spec, secrets: { passphrase: access.encryption.passphrase } };
}

/**
 * Checks duplicity is there, removes dead verify jobs of earlier runs, starts (or attaches to) this one.
 * @example await startDuplicityVerify(session, { runId, path: "/srv/app", exclude: [], access });
 */
export async function startDuplicityVerify(
  session: RemoteSession,
  input: DuplicityVerifyInput & { root?: string },
): Promise<{ started: boolean; removed: string[] }> {
  const jobId = duplicityVerifyJobId(input.runId);
  const job = duplicityVerifyJobSpec(input);
  await checkDuplicity(session, input.binary ?? "duplicity");
  const removed: string[] = [];
  for (const earlier of await listJobs(session, input.root)) {
    if (earlier.jobId === jobId || !earlier.jobId.endsWith(SUFFIX) || earlier.alive) continue;
    await removeJob(session, earlier.jobId, input.root);
    removed.push(earlier.jobId);
  }
  const { started } = await startJob(session, {
    ...job,
    credentials: jobCredentials(input.access.credentials),
    ...(input.root !== undefined ? { root: input.root } : {}),
  });
  return { started, removed };
}

/** duplicity's last words in a job's log, for a report: its last few lines, not the runner's own nor gpg's frames, bounded. */
export function logEnd(log: string, lines = 3): string {
  return log
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^\S+ runner: /.test(l) && !/^=+ (Begin|End) GnuPG log =+$/.test(l))
    .slice(-lines)
    .join(" | ")
    .slice(-600);
}

/**
 * After the job succeeded: what duplicity found, read bounded from its output on the droplet.
 * @example const found = await duplicityVerifyResult(session, "run-1-duplicity-verify", "/srv/app");
 */
export async function duplicityVerifyResult(
  session: RemoteSession,
  jobId: string,
  path: string,
  root?: string,
): Promise<DuplicityVerifyResult> {
  const look = await readJob(session, jobId, root);
  if (look.status?.state !== "succeeded") {
    const state = look.status?.state ?? (look.exists ? "without a status" : "not there");
    throw new Error(`duplicity verify job ${jobId} on ${session.host} is ${state}, not succeeded: it has no result`);
  }
  const dir = root === undefined ? sh`"$HOME"/.lifeboat/jobs` : sh`${absolutePath(root)}`;
  const file = sh`${dir}/${jobId}/outputs/${DUPLICITY_VERIFY_OUTPUT}`;
  const { stdout } = await session.run(
    sh`{ grep -m ${DIFFERENCES_READ} '^Difference found: ' ${file} | cut -c1-1000; grep '^Verify complete: ' ${file} | tail -n 1; } || true`,
    { what: `read the result of job ${jobId}` },
  );
  return parseDuplicityVerify(stdout, trimmed(path));
}

/** duplicity's wording of one difference (0.8's path.compare_verbose) → the file and how, in short. */
const FORMS: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^New file (.*)$/, () => "new, not in the backup"],
  [/^File (.*) is missing$/, () => "missing, the backup has it"],
  [/^Data for file (.*) is different$/, () => "content differs"],
  [/^File (.*) has (type|permissions|mtime) (.*), expected (.*)$/, (m) => `${m[2]} ${m[3]}, the backup has ${m[4]}`],
  [/^Symlink (.*) points to (.*), expected (.*)$/, (m) => `points to ${m[2]}, the backup to ${m[3]}`],
  [/^Device file (.*) has numbers (.*), expected (.*)$/, (m) => `device numbers ${m[2]}, the backup has ${m[3]}`],
];

function differenceOf(text: string): DuplicityDifference {
  for (const [form, how] of FORMS) {
    const m = form.exec(text);
    if (m) return { file: (m[1] ?? "").replace(/^\.$/, ""), how: how(m).slice(0, 160) };
  }
  return { file: "", how: text.slice(0, 160) };
}

/**
 * duplicity verify's output → what it found. Throws when it has no "Verify complete:" line.
 * @example parseDuplicityVerify("Difference found: File a.txt is missing\nVerify complete: 3 files compared, 1 difference found.\n", "/srv/app")
 */
export function parseDuplicityVerify(text: string, path: string): DuplicityVerifyResult {
  const complete = /^Verify complete: (\d+) files? compared, (\d+) differences? found\./m.exec(text);
  if (!complete) throw new Error(`duplicity verify of ${path} gave no "Verify complete:" line`);
  const differing = [...text.matchAll(/^Difference found: (.*)$/gm)].map((m) => differenceOf(m[1] ?? ""));
  return { path, compared: Number(complete[1]), differences: Number(complete[2]), differing };
}
