/**
 * The job runner, in Python 3 (3.9+, the standard library and boto3: python3-boto3 is already
 * on a droplet for duplicity). startJob (./lifecycle.ts) writes it into the job's directory as
 * runner.py and launches it detached. Modes:
 *   runner.py run <dir>            carries out <dir>/spec.json (./spec.ts), keeping status.json
 *   runner.py credentials <dir>    prints credentials.json for boto's `credential_process`
 *   runner.py upload <dir> <key>   streams stdin to <key> with <dir>'s storage (the bench's push path)
 * Why its own multipart loop rather than boto3's upload_fileobj: one part in memory (no read-ahead
 * pool), sha256 in the stream, credentials re-read before each part, and an abort on any failure
 * or SIGTERM so no partial object or upload stays.
 */
export const RUNNER_PY = String.raw`
"""lifeboat's job runner: carries out a job's spec.json on the droplet, detached from any SSH session.

  runner.py run <dir>              carry out <dir>/spec.json, keeping <dir>/status.json
  runner.py credentials <dir>      print <dir>/credentials.json as boto's credential_process wants it
  runner.py upload <dir> <key>     stream stdin to <key> (storage from <dir>/spec.json), print bytes and sha256

Python 3.9+, standard library and boto3 only (python3-boto3, which duplicity needs anyway).
Secrets are only ever read from files in <dir> (0600); none reaches argv or a command's
environment unless a "run" step asks for it by name.
"""

import collections
import concurrent.futures
import datetime
import hashlib
import json
import os
import re
import resource
import select
import shlex
import signal
import subprocess
import sys
import threading
import time

PART_SIZE = 8 * 1024 * 1024
# Parts double in size every 1000 parts: 10,000 parts then hold ~8 TiB (the last ones 4 GiB, under S3's 5 GiB).
PARTS_PER_SIZE = 1000
MAX_PARTS = 10000
PART_ATTEMPTS = 4
# Credentials this close to their expiry count as expired: the abort still needs valid ones.
EXPIRY_MARGIN = 5.0
HEARTBEAT = 2.0
RATE_WINDOW = 30.0
NAME = re.compile(r"^[A-Za-z0-9_]+$")
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


class JobError(Exception):
    """A failure to report as it is: its message is plain words for the operator."""


class Stopped(JobError):
    pass


def log(message):
    sys.stderr.write("%s runner: %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), message))
    sys.stderr.flush()


class StopFlag:
    """Set by SIGTERM/SIGHUP/SIGINT. Blocking waits poll it; code that must finish (starting
    containers again, aborting an upload) simply does not look."""

    def __init__(self):
        self.signal = None

    def install(self):
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, self._handle)

    def _handle(self, signum, _frame):
        if self.signal is None:
            self.signal = signal.Signals(signum).name

    def check(self):
        if self.signal is not None:
            raise Stopped("the job was stopped (%s)" % self.signal)

    def sleep(self, seconds):
        end = time.monotonic() + seconds
        while True:
            self.check()
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.2))


STOP = StopFlag()


def parse_time(text):
    value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.timestamp()


def iso(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Credentials:
    """credentials.json, re-read whenever the file changed (the orchestrator replaces it by rename)."""

    def __init__(self, path):
        self.path = path
        self.stamp = None
        self.value = None
        self.version = 0
        self.lock = threading.Lock()  # the uploader and the heartbeat both look

    def _load(self):
        with self.lock:
            st = os.stat(self.path)
            stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
            if stamp != self.stamp:
                with open(self.path, encoding="utf-8") as f:
                    value = json.load(f)
                if not value.get("accessKeyId") or not value.get("secretAccessKey"):
                    raise JobError("credentials.json has no accessKeyId or secretAccessKey")
                self.value = value
                self.stamp = stamp
                self.version += 1
            return self.value

    def expires_at(self):
        """Seconds since the epoch, or None when they do not expire (or there are none)."""
        try:
            value = self._load()
        except FileNotFoundError:
            return None
        text = value.get("expiration")
        return parse_time(text) if text else None

    def current(self):
        """The credentials, refreshed from the file; raises once they expired without a refresh."""
        try:
            value = self._load()
        except FileNotFoundError:
            raise JobError("the job has no storage credentials (credentials.json is missing)") from None
        text = value.get("expiration")
        if text and time.time() >= parse_time(text) - EXPIRY_MARGIN:
            raise JobError("the storage credentials expired at %s and were not refreshed" % text)
        return value


def s3_client(storage, creds):
    import boto3
    from botocore.config import Config

    options = {
        "s3": {"addressing_style": "path" if storage.get("forcePathStyle") else "auto"},
        "retries": {"max_attempts": 2, "mode": "standard"},
        "connect_timeout": 15,
        "read_timeout": 120,
        "signature_version": "s3v4",
    }
    try:  # botocore >= 1.36 adds checksums some S3-compatible servers refuse; only when required.
        config = Config(request_checksum_calculation="when_required", response_checksum_validation="when_required", **options)
    except TypeError:
        config = Config(**options)
    session = boto3.session.Session(
        aws_access_key_id=creds["accessKeyId"],
        aws_secret_access_key=creds["secretAccessKey"],
        aws_session_token=creds.get("sessionToken"),
        region_name=storage.get("region") or "us-east-1",
    )
    return session.client("s3", endpoint_url=storage.get("endpoint") or None, config=config)


class Clients:
    """One client per version of the credentials."""

    def __init__(self, storage, credentials):
        self.storage = storage
        self.credentials = credentials
        self.version = None
        self.client = None
        self.lock = threading.Lock()

    def get(self):
        with self.lock:
            creds = self.credentials.current()
            if self.version != self.credentials.version:
                self.client = s3_client(self.storage, creds)
                self.version = self.credentials.version
            return self.client

    def last(self):
        """The client of the last credentials seen, even expired (for the abort: better a try)."""
        with self.lock:
            if self.client is None:
                self.client = s3_client(self.storage, self.credentials._load())
            return self.client


def part_size(number):
    return PART_SIZE << min((number - 1) // PARTS_PER_SIZE, 9)


class Throttle:
    def __init__(self, bytes_per_second):
        self.rate = bytes_per_second
        self.start = time.monotonic()
        self.total = 0

    def chunk(self):
        if not self.rate:
            return 1 << 20
        return int(max(16 << 10, min(1 << 20, self.rate / 8)))

    def consumed(self, n):
        if not self.rate:
            return
        self.total += n
        ahead = self.start + self.total / self.rate - time.monotonic()
        if ahead > 0:
            STOP.sleep(ahead)


def fill(fd, buf, throttle, on_bytes):
    """Reads from fd into buf until it is full or the stream ends; returns (bytes, ended)."""
    view = memoryview(buf)
    n = 0
    size = len(buf)
    while n < size:
        STOP.check()
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        got = os.readv(fd, [view[n : n + min(throttle.chunk(), size - n)]])
        if got == 0:
            return n, True
        n += got
        on_bytes(got)
        throttle.consumed(got)
    return n, False


def upload_stream(clients, storage, key, fd, bandwidth, on_bytes, source_ok):
    """Streams fd into key: multipart, one part in memory while the next is read, sha256 on
    the way. Completes only after source_ok() (the producing command exited 0); on any
    failure or stop the multipart upload is aborted, so no partial object stays."""
    bucket = storage["bucket"]
    digest = hashlib.sha256()
    total = 0
    throttle = Throttle(bandwidth)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    upload_id = None
    pending = None
    parts = []

    def counted(n):
        on_bytes(n)

    def send(number, body):
        last_error = None
        for attempt in range(PART_ATTEMPTS):
            if attempt:
                time.sleep(2**attempt)
            client = clients.get()  # re-reads credentials.json; raises once they expired unrefreshed
            try:
                reply = client.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body)
                return {"PartNumber": number, "ETag": reply["ETag"]}
            except Exception as error:  # a network blip or a 5xx the client gave up on: try again
                last_error = error
                log("part %d of %s failed (attempt %d): %s" % (number, key, attempt + 1, error))
        raise JobError("uploading part %d of %s failed: %s" % (number, key, last_error))

    def wait(future):
        while True:
            STOP.check()
            try:
                return future.result(timeout=0.25)
            except concurrent.futures.TimeoutError:
                continue

    try:
        number = 1
        buffers = {}
        while True:
            size = part_size(number)
            buf = buffers.get((size, number % 2))
            if buf is None:
                buffers = {k: v for k, v in buffers.items() if k[0] == size}
                buf = buffers[(size, number % 2)] = bytearray(size)
            n, ended = fill(fd, buf, throttle, counted)
            digest.update(memoryview(buf)[:n])
            total += n
            if pending is not None:
                parts.append(wait(pending))
                pending = None
            if ended and upload_id is None:
                source_ok()
                clients.get().put_object(Bucket=bucket, Key=key, Body=bytes(memoryview(buf)[:n]))
                break
            if upload_id is None:
                upload_id = clients.get().create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
            if n > 0 or not parts:
                if number > MAX_PARTS:
                    raise JobError("%s is larger than 10,000 parts can hold" % key)
                body = buf if n == len(buf) else bytes(memoryview(buf)[:n])
                pending = pool.submit(send, number, body)
                number += 1
            if ended:
                if pending is not None:
                    parts.append(wait(pending))
                    pending = None
                source_ok()
                clients.get().complete_multipart_upload(
                    Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
                )
                upload_id = None
                break
        return total, digest.hexdigest()
    except BaseException:
        if pending is not None:
            # Let the part in flight end first: a part arriving after the abort would start a new upload on some servers.
            try:
                pending.result(timeout=60)
            except BaseException:
                pass
        if upload_id is not None:
            abort(clients, bucket, key, upload_id)
        raise
    finally:
        pool.shutdown(wait=False)


def abort(clients, bucket, key, upload_id):
    for attempt in range(3):
        try:
            try:
                client = clients.get()
            except JobError:
                client = clients.last()
            client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
            log("aborted the unfinished upload of %s" % key)
            return
        except Exception as error:
            log("aborting the upload of %s failed (attempt %d): %s" % (key, attempt + 1, error))
            time.sleep(1 + attempt)


def command_env(extra=None):
    """The runner's environment minus anything that could carry credentials, plus extra."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(extra or {})
    return env


def start(command, env, stdout=subprocess.DEVNULL):
    return subprocess.Popen(
        ["bash", "-c", "set -o pipefail\n" + command], stdin=subprocess.DEVNULL, stdout=stdout, env=env
    )


def finish(process, stoppable):
    """Waits for a process; when stoppable and the job is told to stop, ends it and raises Stopped."""
    while True:
        try:
            return process.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            if stoppable and STOP.signal is not None:
                end(process)
                STOP.check()


def end(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_command(what, command, env, stoppable=True, stdout=subprocess.DEVNULL):
    code = finish(start(command, env, stdout), stoppable)
    if code != 0:
        raise JobError("%s failed (exit code %d); see the job's log" % (what, code))


def capture(what, command, env):
    """Runs a command and returns its trimmed stdout (small: a fact such as an image id)."""
    process = start(command, env, subprocess.PIPE)
    chunks = []
    while True:
        try:
            out, _ = process.communicate(timeout=0.25)
            chunks.append(out)
            break
        except subprocess.TimeoutExpired:
            if STOP.signal is not None:
                end(process)
                STOP.check()
    if process.returncode != 0:
        raise JobError("%s failed (exit code %d); see the job's log" % (what, process.returncode))
    return b"".join(chunks).decode("utf-8", "replace").strip()


class Status:
    """status.json: replaced atomically at each change and every HEARTBEAT seconds."""

    def __init__(self, directory, spec, credentials):
        now = time.time()
        self.path = os.path.join(directory, "status.json")
        self.credentials = credentials
        self.lock = threading.Lock()
        self.samples = collections.deque()
        self.final = False
        # While a "run" step's processes live: their I/O, the step's progress (see StepIo).
        self.meter = None
        self.data = {
            "jobId": spec["jobId"],
            "kind": spec["kind"],
            "state": "running",
            "pid": os.getpid(),
            "startedAt": now,
            "updatedAt": now,
            "progressAt": now,
            "bytesDone": 0,
            "stopped": [],
            "results": [],
            "runs": [],
        }

    def update(self, **changes):
        """Sets fields; None removes one (status.json has absent optional fields, never null)."""
        with self.lock:
            for name, value in changes.items():
                if value is None:
                    self.data.pop(name, None)
                else:
                    self.data[name] = value
            self._write()

    def add_bytes(self, n):
        with self.lock:
            self.data["bytesDone"] += n
            self.data["progressAt"] = time.time()

    def step(self, item):
        self.update(item=item, progressAt=time.time())

    def _write(self):
        if self.final:
            return
        now = time.time()
        data = self.data
        data["updatedAt"] = now
        self.samples.append((now, data["bytesDone"]))
        while len(self.samples) > 1 and now - self.samples[0][0] > RATE_WINDOW:
            self.samples.popleft()
        first_time, first_bytes = self.samples[0]
        if now - first_time >= 1:
            data["rate"] = (data["bytesDone"] - first_bytes) / (now - first_time)
        try:
            expires = self.credentials.expires_at()
        except Exception:
            expires = None
        if expires is not None:
            data["credentialsExpireAt"] = expires
        else:
            data.pop("credentialsExpireAt", None)
        if data["state"] != "running":
            self.final = True
            # The runner's own peak (kB on Linux), for the bench's memory figures.
            data["peakRssKb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        temp = self.path + ".tmp"
        try:
            with open(temp, "w", encoding="utf-8") as f:
                json.dump(data, f)
            os.replace(temp, self.path)
        except OSError as error:  # a full disk: the job goes on; a poll sees the status age (a stall)
            log("writing status.json failed: %s" % error)

    def heartbeat(self):
        while not self.final:
            time.sleep(HEARTBEAT)
            meter = self.meter
            grown = meter.grown() if meter else 0
            if grown:
                self.add_bytes(grown)
            with self.lock:
                self._write()


class StepIo:
    """The I/O of a "run" step (duplicity, its gpg children): the growth of rchar + wchar
    (/proc/<pid>/io) over every process in the runner's process group but the runner. The
    runner leads that group (setsid at launch; killJob kills it), and a "run" step is the only
    other thing in it while it runs. Values are kept per process, so one that ended drops out
    without the sum going back. A reaped child's I/O shows again in its parent's: an
    over-count a stall check does not mind."""

    def __init__(self):
        self.last = {}

    def grown(self):
        group, me = os.getpgrp(), os.getpid()
        seen = {}
        grown = 0
        for name in os.listdir("/proc"):
            if not name.isdigit() or int(name) == me:
                continue
            try:
                with open("/proc/%s/stat" % name, encoding="utf-8", errors="replace") as f:
                    fields = f.read().rsplit(")", 1)[1].split()  # after "pid (comm)": state ppid pgrp ...
                if int(fields[2]) != group:
                    continue
                with open("/proc/%s/io" % name, encoding="utf-8") as f:
                    io = dict(line.split(":", 1) for line in f if ":" in line)
                total = int(io["rchar"]) + int(io["wchar"])
            except (OSError, ValueError, KeyError, IndexError):
                continue  # gone meanwhile, or not ours to read
            process = (name, fields[19])  # pid and start time: a reused pid is another process
            grown += max(0, total - self.last.get(process, 0))
            seen[process] = total
        self.last = seen
        return grown


class Job:
    def __init__(self, directory):
        self.dir = directory
        with open(os.path.join(directory, "spec.json"), encoding="utf-8") as f:
            self.spec = json.load(f)
        self.credentials = Credentials(os.path.join(directory, "credentials.json"))
        self.status = Status(directory, self.spec, self.credentials)
        self.clients = Clients(self.spec.get("storage") or {}, self.credentials)

    def run(self):
        self.status.update()
        threading.Thread(target=self.status.heartbeat, daemon=True).start()
        try:
            check_spec(self.spec)
            self.steps(self.spec["steps"])
            self.status.update(state="succeeded", item=None)
            log("the job succeeded")
            return 0
        except JobError as error:
            log("the job failed: %s" % error)
            self.status.update(state="failed", error=str(error))
        except BaseException as error:
            log("the job failed: %r" % (error,))
            self.status.update(state="failed", error="the runner failed unexpectedly: %r" % (error,))
        return 1

    def steps(self, steps):
        for step in steps:
            STOP.check()
            getattr(self, "step_" + step["type"])(step)

    def step_upload(self, step):
        self.status.step(step["name"])
        storage = self.spec.get("storage")
        if not storage:
            raise JobError("the job has an upload step but no storage")
        facts = {}
        env = command_env()
        try:
            for name, command in (step.get("facts") or {}).items():
                facts[name] = capture("fact %s of %s" % (name, step["name"]), command, env)
                env["LIFEBOAT_FACT_" + name] = facts[name]
            process = start(step["command"], env, subprocess.PIPE)
            try:

                def source_ok():
                    code = finish(process, True)
                    if code != 0:
                        raise JobError("the command of %s failed (exit code %d); see the job's log" % (step["name"], code))

                size, sha256 = upload_stream(
                    self.clients,
                    storage,
                    step["key"],
                    process.stdout.fileno(),
                    self.spec.get("bandwidthLimit"),
                    self.status.add_bytes,
                    source_ok,
                )
            finally:
                process.stdout.close()
                end(process)
        finally:
            for i, command in enumerate(step.get("finally") or []):
                try:
                    run_command("the finally command %d of %s" % (i + 1, step["name"]), command, env, stoppable=False)
                except JobError as error:
                    log(str(error))
        results = self.status.data["results"] + [
            {"name": step["name"], "key": step["key"], "bytes": size, "sha256": sha256, "facts": facts}
        ]
        self.status.update(results=results)

    def step_group(self, step):
        containers = list(step.get("containers") or [])
        self.status.update(stopped=sorted(set(self.status.data["stopped"]) | set(containers)))
        try:
            run_command("stopping %s" % ", ".join(containers), step["stop"], command_env())
            self.steps(step.get("steps") or [])
        finally:
            # Always, also when stopped by a signal: the droplet's services come first.
            run_command("starting %s again" % ", ".join(containers), step["start"], command_env(), stoppable=False)
            self.status.update(stopped=[c for c in self.status.data["stopped"] if c not in containers])

    def step_run(self, step):
        self.status.step("%s %s" % (self.spec["kind"], step["name"]))  # "duplicity backup"
        env = command_env(self.secret_env(step.get("env") or {}))
        env.update(self.aws_env())
        # Where the job's files are (its secret files, a keyring of its own): no path in the spec.
        env["LIFEBOAT_JOB_DIR"] = os.path.abspath(self.dir)
        outputs = os.path.join(self.dir, "outputs")
        os.makedirs(outputs, mode=0o700, exist_ok=True)
        fd = os.open(os.path.join(outputs, step["name"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.status.meter = StepIo()
        try:
            code = finish(start(step["command"], env, fd), True)
        finally:
            self.status.meter = None
            os.close(fd)
        runs = self.status.data["runs"] + [{"name": step["name"], "exitCode": code}]
        self.status.update(runs=runs)
        if code != 0:
            raise JobError("%s failed (exit code %d); see the job's log" % (step["name"], code))

    def secret_env(self, names):
        env = {}
        for variable, secret in names.items():
            try:
                with open(os.path.join(self.dir, "secrets", secret), encoding="utf-8") as f:
                    env[variable] = f.read()
            except FileNotFoundError:
                raise JobError("the secret %s (for %s) is missing from the job" % (secret, variable)) from None
        return env

    def aws_env(self):
        """boto3 in a "run" step finds the storage credentials through a credential_process that
        reads credentials.json, so a refresh reaches it; nothing secret is in its environment."""
        if not os.path.exists(os.path.join(self.dir, "credentials.json")):
            return {}
        config = os.path.join(self.dir, "aws-config")
        process = "%s %s credentials %s" % tuple(shlex.quote(p) for p in (sys.executable, os.path.abspath(__file__), self.dir))
        region = (self.spec.get("storage") or {}).get("region")
        text = "[default]\ncredential_process = %s\n" % process
        if region:
            text += "region = %s\n" % region
        fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        return {
            "AWS_CONFIG_FILE": config,
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.dir, "no-shared-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
        }


def check_spec(spec):
    """Refuses a spec with a name that could reach a path or an environment variable unchecked."""

    def steps(items):
        for step in items:
            kind = step.get("type")
            if kind == "upload":
                for key in ("name", "command", "key"):
                    if not isinstance(step.get(key), str) or not step[key]:
                        raise JobError("an upload step has no %s" % key)
                for name in step.get("facts") or {}:
                    if not NAME.match(name):
                        raise JobError("fact name %s is refused: letters, digits and _ only" % json.dumps(name))
            elif kind == "group":
                for key in ("stop", "start"):
                    if not isinstance(step.get(key), str):
                        raise JobError("a group step has no %s command" % key)
                steps(step.get("steps") or [])
            elif kind == "run":
                if not FILE_NAME.match(step.get("name") or ""):
                    raise JobError("run step name %s is refused: letters, digits, '.', '_', '-'" % json.dumps(step.get("name")))
                for variable, secret in (step.get("env") or {}).items():
                    if not ENV_NAME.match(variable):
                        raise JobError("environment variable name %s is refused" % json.dumps(variable))
                    if not FILE_NAME.match(secret):
                        raise JobError("secret name %s is refused" % json.dumps(secret))
            else:
                raise JobError("unknown step type %s" % json.dumps(kind))

    if spec.get("version") != 1:
        raise JobError("spec version %s is not one this runner knows (1)" % json.dumps(spec.get("version")))
    steps(spec.get("steps") or [])


def main_credentials(directory):
    creds = Credentials(os.path.join(directory, "credentials.json"))._load()
    out = {"Version": 1, "AccessKeyId": creds["accessKeyId"], "SecretAccessKey": creds["secretAccessKey"]}
    if creds.get("sessionToken"):
        out["SessionToken"] = creds["sessionToken"]
    if creds.get("expiration"):
        out["Expiration"] = iso(parse_time(creds["expiration"]))
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


def main_upload(directory, key):
    with open(os.path.join(directory, "spec.json"), encoding="utf-8") as f:
        spec = json.load(f)
    storage = spec.get("storage")
    if not storage:
        raise JobError("spec.json has no storage")
    clients = Clients(storage, Credentials(os.path.join(directory, "credentials.json")))
    size, sha256 = upload_stream(
        clients, storage, key, sys.stdin.fileno(), spec.get("bandwidthLimit"), lambda n: None, lambda: None
    )
    json.dump({"key": key, "bytes": size, "sha256": sha256}, sys.stdout)
    sys.stdout.write("\n")
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "run":
        directory = os.path.abspath(argv[2])
        os.umask(0o077)
        STOP.install()
        return Job(directory).run()
    if len(argv) >= 3 and argv[1] == "credentials":
        return main_credentials(argv[2])
    if len(argv) >= 4 and argv[1] == "upload":
        STOP.install()
        try:
            return main_upload(argv[2], argv[3])
        except JobError as error:
            log(str(error))
            return 1
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
`;
