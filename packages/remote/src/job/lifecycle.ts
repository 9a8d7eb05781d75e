/**
 * A job's life on the droplet, each step one short SSH command: start it (idempotent: the job's
 * directory is the lock), read its status, hand it fresh credentials, kill it, remove it, list
 * the jobs there. The runner (./runner-py.ts) does the work, detached; nothing here waits for it.
 * Secrets and credentials travel on stdin into 0600 files, never argv.
 */
import { DUPLICITY_INSTALL } from "../duplicity/run";
import { absolutePath } from "../names";
import type { RemoteSession } from "../session";
import { bash, type Shell, sh } from "../shell";
import { RUNNER_PY } from "./runner-py";
import type { JobCredentials, JobSpec, JobStatusFile, JobStep } from "./spec";

/** The runner needs python3 with boto3 (the same package duplicity needs). */
export class JobRunnerMissingError extends Error {
  readonly retryable = false;
  constructor(host: string) {
    super(
      `python3 with boto3 is not installed on ${host}, and lifeboat's job runner needs it; install it there with: ${DUPLICITY_INSTALL}`,
    );
    this.name = "JobRunnerMissingError";
  }
}

/** A job that is asked about but not on the droplet (already removed, or the droplet lost it). */
export class JobGoneError extends Error {
  constructor(host: string, jobId: string) {
    super(`job ${jobId} is not on ${host} (its directory is gone)`);
    this.name = "JobGoneError";
  }
}

export class JobSpecError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(`${message}; nothing was run`);
    this.name = "JobSpecError";
  }
}

export interface StartJobInput {
  spec: JobSpec;
  credentials?: JobCredentials;
  secrets?: Record<string, string>;
  /** The directory holding the jobs (absolute); default `$HOME/.lifeboat/jobs`. */
  root?: string;
  /** The python3 to run the runner with (absolute); default /usr/bin/python3, else python3 on PATH, whichever has boto3. */
  python?: string;
}

export interface JobLook {
  exists: boolean;
  /** The runner's process still lives (checked against its start time, so a reused pid does not count). */
  alive: boolean;
  /** The droplet's clock, seconds since the epoch (status times are by this clock). */
  now: number;
  status?: JobStatusFile;
  /** The end of the runner's log (bounded). */
  logTail: string;
  /** Free space (KiB) where the job's directory is, when `df` tells: a full disk stops the job's status. */
  freeKb?: number;
}

const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const FACT_NAME = /^[A-Za-z0-9_]+$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const LOG_TAIL_BYTES = 8 * 1024;
/** How long a second starter waits for the first one's runner to be launched. */
const ATTACH_WAIT_TENTHS = 150;
const KILL_GRACE_SECONDS = 60;

function checkJobId(jobId: string): string {
  if (!JOB_ID.test(jobId)) {
    throw new JobSpecError(`job id ${JSON.stringify(jobId)} is refused: expected letters, digits, ".", "_" or "-"`);
  }
  return jobId;
}

function checkFileName(kind: string, name: string): string {
  if (!FILE_NAME.test(name)) {
    throw new JobSpecError(`${kind} ${JSON.stringify(name)} is refused: expected letters, digits, ".", "_" or "-"`);
  }
  return name;
}

function checkSteps(steps: readonly JobStep[]): void {
  for (const step of steps) {
    if (step.type === "upload") {
      if (!step.key) throw new JobSpecError(`upload ${JSON.stringify(step.name)} has no key`);
      for (const name of Object.keys(step.facts ?? {})) {
        if (!FACT_NAME.test(name)) {
          throw new JobSpecError(`fact name ${JSON.stringify(name)} is refused: expected letters, digits or "_"`);
        }
      }
    } else if (step.type === "group") {
      checkSteps(step.steps);
    } else if (step.type === "run") {
      checkFileName("run step name", step.name);
      for (const [variable, secret] of Object.entries(step.env ?? {})) {
        if (!ENV_NAME.test(variable)) {
          throw new JobSpecError(`environment variable name ${JSON.stringify(variable)} is refused`);
        }
        checkFileName("secret name", secret);
      }
    } else {
      throw new JobSpecError(`unknown step type ${JSON.stringify((step as { type: unknown }).type)}`);
    }
  }
}

/** The jobs' directory as a shell word: given (quoted), or `$HOME/.lifeboat/jobs` expanded on the droplet. */
function rootWord(root: string | undefined): Shell {
  return root === undefined ? sh`"$HOME"/.lifeboat/jobs` : sh`${absolutePath(root)}`;
}

function jobDir(root: string | undefined, jobId: string): Shell {
  return sh`${rootWord(root)}/${checkJobId(jobId)}`;
}

/**
 * Shell functions the commands share. `alive PIDFILE` succeeds when the pid in the file runs and
 * started when the file says (field 22 of /proc/<pid>/stat, read after the command name, which
 * may hold spaces), and is not a zombie.
 */
const ALIVE = sh`alive() {
  local pid start stat rest
  read -r pid start < "$1" 2>/dev/null || return 1
  case "$pid" in ''|*[!0-9]*) return 1;; esac
  stat=$(cat /proc/"$pid"/stat 2>/dev/null) || return 1
  rest=\${stat##*) }
  set -- $rest
  [ "$1" != Z ] && [ "\${20}" = "$start" ]
}`;

/**
 * The python3 that has boto3 (found, not imported: that takes seconds on a busy droplet): the
 * system one first, where apt puts python3-boto3 (an earlier python3 on PATH, e.g. pyenv's, may lack it).
 */
const findPython = (candidates: Shell) => sh`py=
has_boto3='import importlib.util, sys; sys.exit(importlib.util.find_spec("boto3") is None)'
for candidate in ${candidates}; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "$has_boto3" >/dev/null 2>&1; then
    py=$(command -v "$candidate"); break
  fi
done
[ -n "$py" ] || exit 3`;

/** Writes the files of a JSON object on stdin into a directory (0600 files, 0700 dirs). No secret in argv. */
const UNPACK = `import json, os, sys
d = sys.argv[1]
for name, text in json.load(sys.stdin).items():
    path = os.path.join(d, name)
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
`;

/**
 * Starts the job: writes its directory and launches the runner detached (setsid + nohup, stdin
 * /dev/null, `nice -n 10`, `ionice -c3` when there), its pid and start time in `pid`.
 * Idempotent: `mkdir` of the job's directory is the lock, so a second or concurrent start
 * attaches (waits until the runner was launched) and returns `{ started: false }`.
 */
export async function startJob(session: RemoteSession, input: StartJobInput): Promise<{ started: boolean }> {
  const { spec } = input;
  checkJobId(spec.jobId);
  checkSteps(spec.steps);
  const files: Record<string, string> = {
    "spec.json": JSON.stringify(spec),
    "runner.py": RUNNER_PY,
  };
  if (input.credentials) files["credentials.json"] = JSON.stringify(input.credentials);
  for (const [name, value] of Object.entries(input.secrets ?? {})) {
    files[`secrets/${checkFileName("secret name", name)}`] = value;
  }
  const root = rootWord(input.root);
  const dir = jobDir(input.root, spec.jobId);
  const script = sh`umask 077
${findPython(input.python === undefined ? sh`/usr/bin/python3 python3` : sh`${absolutePath(input.python)}`)}
mkdir -p ${root} && chmod 700 ${root} || exit 1
d=${dir}
if ! mkdir "$d" 2>/dev/null; then
  [ -d "$d" ] || exit 1
  for _ in $(seq 1 ${ATTACH_WAIT_TENTHS}); do [ -s "$d/pid" ] && break; sleep 0.1; done
  echo attached
  exit 0
fi
"$py" -c ${UNPACK} "$d" || { rm -rf -- "$d"; exit 1; }
prefix=
if command -v nice >/dev/null 2>&1; then prefix="nice -n 10"; fi
if command -v ionice >/dev/null 2>&1 && ionice -c3 true 2>/dev/null; then prefix="$prefix ionice -c3"; fi
setsid nohup $prefix "$py" "$d/runner.py" run "$d" </dev/null >>"$d/log" 2>&1 &
pid=$!
# A runner that already ended gets a start time no process has: a poll then reads its status.
start=gone
if stat=$(cat /proc/"$pid"/stat 2>/dev/null); then rest=\${stat##*) }; set -- $rest; start=\${20}; fi
echo "$pid $start" > "$d/pid.tmp" && mv -f "$d/pid.tmp" "$d/pid"
echo started`;
  const result = await session.run(bash(script), {
    what: `start job ${spec.jobId}`,
    stdin: JSON.stringify(files),
    check: false,
  });
  if (result.code === 3) throw new JobRunnerMissingError(session.host);
  if (result.code !== 0 || !/^(started|attached)$/m.test(result.stdout)) {
    throw new Error(
      `starting job ${spec.jobId} on ${session.host} failed: ${result.stderr.trim() || `exit ${result.code}`}`,
    );
  }
  return { started: /^started$/m.test(result.stdout) };
}

/** status.json is replaced atomically, so it is whole or absent; anything else reads as absent. */
function parseStatus(text: string | undefined): JobStatusFile | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as JobStatusFile;
  } catch {
    return undefined;
  }
}

const STATUS_MARK = "--lifeboat-status--";
const LOG_MARK = "--lifeboat-log--";

/** The job's status, whether its runner lives, and the droplet's clock, in one command. */
export async function readJob(session: RemoteSession, jobId: string, root?: string): Promise<JobLook> {
  const script = sh`${ALIVE}
d=${jobDir(root, jobId)}
date +%s
if [ ! -d "$d" ]; then echo missing; exit 0; fi
if alive "$d/pid"; then echo alive; else echo dead; fi
echo "free $(df -Pk "$d" 2>/dev/null | awk 'NR==2 { print $4 }')"
echo ${STATUS_MARK}
cat "$d/status.json" 2>/dev/null
echo
echo ${LOG_MARK}
tail -c ${LOG_TAIL_BYTES} "$d/log" 2>/dev/null
true`;
  const { stdout } = await session.run(bash(script), { what: `read job ${jobId}` });
  const [nowLine = "", state = ""] = stdout.split("\n", 2);
  const now = Number(nowLine.trim());
  if (state.trim() === "missing") return { exists: false, alive: false, now, logTail: "" };
  const statusStart = stdout.indexOf(`${STATUS_MARK}\n`) + STATUS_MARK.length + 1;
  const logStart = stdout.indexOf(`\n${LOG_MARK}\n`, statusStart);
  const statusText = stdout.slice(statusStart, logStart).trim();
  const look: JobLook = {
    exists: true,
    alive: state.trim() === "alive",
    now,
    logTail: stdout.slice(logStart + LOG_MARK.length + 2),
  };
  const free = /^free (\d+)$/m.exec(stdout.slice(0, statusStart));
  if (free) look.freeKb = Number(free[1]);
  const status = parseStatus(statusText);
  if (status) look.status = status;
  return look;
}

/** Replaces the job's credentials.json (atomically: the runner re-reads it before each part). */
export async function refreshCredentials(
  session: RemoteSession,
  jobId: string,
  credentials: JobCredentials,
  root?: string,
): Promise<void> {
  const script = sh`umask 077
d=${jobDir(root, jobId)}
[ -d "$d" ] || exit 4
cat > "$d/credentials.json.tmp" && mv -f "$d/credentials.json.tmp" "$d/credentials.json"`;
  const result = await session.run(bash(script), {
    what: `refresh the credentials of job ${jobId}`,
    stdin: JSON.stringify(credentials),
    check: false,
  });
  if (result.code === 4) throw new JobGoneError(session.host, jobId);
  if (result.code !== 0) {
    throw new Error(`refreshing the credentials of job ${jobId} on ${session.host} failed: ${result.stderr.trim()}`);
  }
}

/**
 * SIGTERM to the runner's process group (it aborts its upload and starts the containers it
 * stopped), SIGKILL after a grace. Returns once the runner is gone; a runner already gone is fine.
 */
export async function killJob(
  session: RemoteSession,
  jobId: string,
  root?: string,
  options: { graceSeconds?: number } = {},
): Promise<void> {
  const tenths = Math.max(1, Math.round((options.graceSeconds ?? KILL_GRACE_SECONDS) * 10));
  const script = sh`${ALIVE}
d=${jobDir(root, jobId)}
alive "$d/pid" || exit 0
read -r pid _ < "$d/pid"
kill -TERM -- -"$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
for _ in $(seq 1 ${tenths}); do alive "$d/pid" || exit 0; sleep 0.1; done
kill -KILL -- -"$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
echo killed`;
  await session.run(bash(script), { what: `stop job ${jobId}` });
}

/** Deletes the job's directory (its runner should be gone: see killJob). */
export async function removeJob(session: RemoteSession, jobId: string, root?: string): Promise<void> {
  await session.run(sh`rm -rf -- ${jobDir(root, jobId)}`, { what: `remove job ${jobId}` });
}

/** Every job directory under the root, with whether its runner lives and its status. */
export async function listJobs(
  session: RemoteSession,
  root?: string,
): Promise<Array<{ jobId: string; alive: boolean; status?: JobStatusFile }>> {
  const script = sh`${ALIVE}
r=${rootWord(root)}
[ -d "$r" ] || exit 0
for d in "$r"/*/; do
  d=\${d%/}
  [ -d "$d" ] || continue
  if alive "$d/pid"; then a=alive; else a=dead; fi
  printf '%s\t%s\t' "$a" "\${d##*/}" | tr '\n' '?'
  tr -d '\n' < "$d/status.json" 2>/dev/null
  echo
done`;
  const { stdout } = await session.run(bash(script), { what: "list jobs" });
  const jobs: Array<{ jobId: string; alive: boolean; status?: JobStatusFile }> = [];
  for (const line of stdout.split("\n")) {
    const [state, jobId, statusText] = line.split("\t");
    if (!jobId || !JOB_ID.test(jobId)) continue;
    const job: { jobId: string; alive: boolean; status?: JobStatusFile } = { jobId, alive: state === "alive" };
    const status = parseStatus(statusText);
    if (status) job.status = status;
    jobs.push(job);
  }
  return jobs;
}

/** The stdout a `run` step left in `outputs/<name>`. */
export async function readOutput(session: RemoteSession, jobId: string, name: string, root?: string): Promise<string> {
  const file = sh`${jobDir(root, jobId)}/outputs/${checkFileName("output name", name)}`;
  const { stdout } = await session.run(sh`cat -- ${file}`, { what: `read output ${name} of job ${jobId}` });
  return stdout;
}
