/**
 * A session on one droplet, and the only place commands are executed. Every command is a
 * `Shell` (./shell.ts); large outputs stream with back-pressure; exit codes come from the
 * command's end; stderr is kept bounded; secrets travel on stdin and are redacted from any
 * text that comes back. How a command reaches the droplet is a `Transport`: an SSH channel
 * (./ssh-transport.ts) or a local `bash -c` when lifeboat runs on the droplet itself
 * (./local-transport.ts). Every phase function takes a `RemoteSession` and works over both.
 */
import { type Duplex, PassThrough, type Readable, Transform } from "node:stream";
import { BoundedText } from "./bounded-text";
import { RemoteCommandError, redact } from "./errors";
import { type Shell, withSecrets } from "./shell";
import type { Execution, Transport } from "./transport";

/** Where lifeboat's log lines go. Lines hold commands and outcomes, never secrets. */
export type Logger = (line: string) => void;

export interface ExitStatus {
  /** The remote exit code, or null when the command died by a signal. */
  code: number | null;
  signal?: string;
  /** The end of stderr (bounded, secrets redacted). */
  stderr: string;
}

export interface RunResult extends ExitStatus {
  stdout: string;
}

export interface CommandOptions {
  /** What the command does, in words, for logs and errors: "inspect containers". */
  what: string;
  /** Bytes for the command's stdin; a Readable is piped with back-pressure. */
  stdin?: string | Buffer | Readable;
  /** Environment for the command, sent over stdin (never argv). Not combinable with `stdin`. */
  secrets?: Readonly<Record<string, string>>;
  /** Close the channel after this long (the remote command then sees its pipes close). */
  timeoutMs?: number;
}

export interface RunOptions extends CommandOptions {
  /** Refuse (and stop reading) beyond this much stdout; stream big outputs instead. Default 16 MiB. */
  maxStdoutBytes?: number;
  /** Throw RemoteCommandError on a non-zero exit (default true). */
  check?: boolean;
}

export interface RemoteStream {
  /** The command's stdout. It ends only after the command exited 0, and errors otherwise. */
  output: Readable;
  exit: Promise<ExitStatus>;
}

const STDERR_LIMIT = 16 * 1024;

/** What the phase functions (inventory, captureImages, archiveVolumes, runDuplicity, …) use. */
export interface RemoteSession {
  /** The droplet's name (or address), for messages. */
  readonly host: string;
  /**
   * Runs a command and returns its (bounded) output.
   * @example const { stdout } = await session.run(sh`docker volume ls -q`, { what: "list volumes" });
   */
  run(command: Shell, options: RunOptions): Promise<RunResult>;
  /**
   * Runs a command whose stdout is large: pipe `output` onwards (it applies back-pressure to
   * the droplet). `output` errors when the command fails or the connection drops, so a sink
   * reading it aborts instead of keeping a partial object.
   */
  stream(command: Shell, options: CommandOptions): RemoteStream;
  /** Ends the session (closes the connection). */
  close(): void;
}

/** The one implementation of RemoteSession, over any Transport. */
export class TransportSession implements RemoteSession {
  constructor(
    readonly host: string,
    private readonly transport: Transport,
    private readonly log: Logger = () => undefined,
  ) {}

  async run(command: Shell, options: RunOptions): Promise<RunResult> {
    const { stdout, exit, secrets } = this.start(command, options);
    const limit = options.maxStdoutBytes ?? 16 * 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    const collected = new Promise<void>((resolve, reject) => {
      stdout.on("data", (c: Buffer) => {
        size += c.length;
        if (size > limit) {
          stdout.destroy(new Error(`${options.what} on ${this.host}: output exceeds ${limit} bytes`));
          return;
        }
        chunks.push(c);
      });
      stdout.once("end", resolve);
      stdout.once("error", reject);
    });
    const [status] = await Promise.all([exit, collected]);
    const result = { ...status, stdout: redact(Buffer.concat(chunks).toString("utf8"), secrets) };
    if (options.check !== false && status.code !== 0) {
      throw new RemoteCommandError(this.host, options.what, status.code, status.signal, status.stderr);
    }
    return result;
  }

  stream(command: Shell, options: CommandOptions): RemoteStream {
    const host = this.host;
    let exit: Promise<ExitStatus> | undefined;
    // The channel pipes straight into this stream (one hop, not two: at ~10k packets/s each
    // hop costs measurable CPU), which ends only after the command's exit status is known.
    const output = new Transform({
      highWaterMark: 1 << 20,
      transform(chunk, _encoding, done) {
        done(null, chunk);
      },
      flush(done) {
        exit!.then(
          (s) => done(s.code === 0 ? null : new RemoteCommandError(host, options.what, s.code, s.signal, s.stderr)),
          (e: Error) => done(e),
        );
      },
    });
    exit = this.start(command, options, output).exit;
    return { output, exit };
  }

  close(): void {
    this.transport.close();
  }

  /** Starts `command`; its stdout is piped into `stdout` (by default a buffering PassThrough). */
  private start(command: Shell, options: CommandOptions, stdout: Duplex = new PassThrough({ highWaterMark: 1 << 20 })) {
    let text = command.text;
    let stdin = options.stdin;
    const secrets = Object.values(options.secrets ?? {});
    if (options.secrets) {
      if (stdin !== undefined) throw new Error("a command takes either secrets or stdin, not both");
      const prepared = withSecrets(options.secrets, command);
      text = prepared.command.text;
      stdin = prepared.stdin;
    }
    this.log(`${this.host}: ${options.what}: ${text}`);

    // Classic pipe() keeps back-pressure and ends only on 'end' (ssh2 emits a channel's
    // 'close' before 'end' while data is still buffered, see ./ssh-transport.ts).
    const stderr = new BoundedText(STDERR_LIMIT);
    const exit = new Promise<ExitStatus>((resolve, reject) => {
      const fail = (error: Error) => {
        stdout.destroy(error);
        reject(error);
      };
      this.transport.exec(text, options.what).then((execution) => {
        let finished = false;
        let timer: NodeJS.Timeout | undefined;
        if (options.timeoutMs) {
          timer = setTimeout(() => {
            fail(new Error(`${options.what} on ${this.host} timed out after ${options.timeoutMs} ms`));
            execution.abort();
          }, options.timeoutMs);
        }
        execution.stderr.on("data", (c: Buffer) => stderr.push(c));
        execution.done.then(
          ({ code, signal }) => {
            finished = true;
            if (timer) clearTimeout(timer);
            const status = { code, stderr: redact(stderr.toString(), secrets) };
            resolve(signal ? { ...status, signal } : status);
          },
          (error: Error) => {
            finished = true;
            if (timer) clearTimeout(timer);
            fail(error);
          },
        );
        execution.stdout.pipe(stdout);
        // A reader that gives up early (run() over its limit, a failed upload or write)
        // destroys stdout before it ends: stop the command, or it stays blocked on a full
        // channel. Drop what is still buffered: ssh2 reports the end only once stdout is read.
        // Not once the command has finished: a local pid may since belong to someone else.
        const gaveUp = () => {
          if (finished || stdout.readableEnded) return;
          execution.stdout.unpipe(stdout);
          execution.stdout.resume();
          execution.abort();
        };
        if (stdout.destroyed) gaveUp();
        else stdout.once("close", gaveUp);
        feed(execution, stdin, fail);
      }, fail);
    });
    exit.catch(() => undefined); // observed through stdout/output too; never unhandled
    return { stdout, exit, secrets };
  }
}

function feed(execution: Execution, stdin: CommandOptions["stdin"], fail: (e: Error) => void): void {
  if (stdin === undefined) {
    execution.stdin.end(); // no stdin: send EOF so the command can finish
  } else if (typeof stdin === "string" || Buffer.isBuffer(stdin)) {
    execution.stdin.end(stdin);
  } else {
    stdin.on("error", (e) => {
      fail(e); // the source failed: the command must not see a clean end of input
      execution.abort();
    });
    stdin.pipe(execution.stdin);
  }
}
