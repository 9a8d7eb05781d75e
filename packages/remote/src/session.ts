/**
 * One SSH connection to one droplet, and the only place commands are executed. Every command
 * is a `Shell` (./shell.ts); large outputs stream with back-pressure; exit codes come from the
 * channel's close; stderr is kept bounded; secrets travel on stdin and are redacted from any
 * text that comes back.
 */
import { PassThrough, type Readable, Transform } from "node:stream";
import type { Client, ClientChannel } from "ssh2";
import { BoundedText } from "./bounded-text";
import { ConnectionLostError, RemoteCommandError, redact } from "./errors";
import { type Shell, withSecrets } from "./shell";

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

export class RemoteSession {
  constructor(
    /** The droplet's name (or address), for messages. */
    readonly host: string,
    private readonly client: Client,
    private readonly log: Logger = () => undefined,
  ) {}

  /**
   * Runs a command and returns its (bounded) output.
   * @example const { stdout } = await session.run(sh`docker volume ls -q`, { what: "list volumes" });
   */
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

  /**
   * Runs a command whose stdout is large: pipe `output` onwards (it applies back-pressure to
   * the droplet). `output` errors when the command fails or the connection drops, so a sink
   * reading it aborts instead of keeping a partial object.
   */
  stream(command: Shell, options: CommandOptions): RemoteStream {
    const { stdout, exit } = this.start(command, options);
    const host = this.host;
    const output = new Transform({
      highWaterMark: 1 << 20,
      transform(chunk, _encoding, done) {
        done(null, chunk);
      },
      flush(done) {
        exit.then(
          (s) => done(s.code === 0 ? null : new RemoteCommandError(host, options.what, s.code, s.signal, s.stderr)),
          (e: Error) => done(e),
        );
      },
    });
    stdout.on("error", (e) => output.destroy(e));
    stdout.pipe(output);
    return { output, exit };
  }

  /** Closes the connection. */
  close(): void {
    this.client.end();
  }

  private start(command: Shell, options: CommandOptions) {
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

    // ssh2 emits the channel's 'close' before 'end' while data is still buffered, so
    // stream.pipeline(channel, …) would call it premature; classic pipe() into a PassThrough
    // keeps back-pressure and ends only on 'end'.
    const stdout = new PassThrough({ highWaterMark: 1 << 20 });
    const stderr = new BoundedText(STDERR_LIMIT);
    const exit = new Promise<ExitStatus>((resolve, reject) => {
      const fail = (error: Error) => {
        stdout.destroy(error);
        reject(error);
      };
      this.client.exec(text, (error, channel) => {
        if (error) return fail(error);
        const lost = () => fail(new ConnectionLostError(this.host, options.what));
        this.client.once("close", lost);
        let timer: NodeJS.Timeout | undefined;
        if (options.timeoutMs) {
          timer = setTimeout(() => {
            fail(new Error(`${options.what} on ${this.host} timed out after ${options.timeoutMs} ms`));
            channel.close();
          }, options.timeoutMs);
        }
        channel.stderr.on("data", (c: Buffer) => stderr.push(c));
        channel.on("error", fail);
        channel.on("close", (code?: number | null, signal?: string) => {
          this.client.removeListener("close", lost);
          if (timer) clearTimeout(timer);
          // OpenSSH always reports exit-status or exit-signal; neither means the link went down.
          if (code === undefined && signal === undefined) return lost();
          const status = { code: code ?? null, stderr: redact(stderr.toString(), secrets) };
          resolve(signal ? { ...status, signal } : status);
        });
        channel.pipe(stdout);
        feed(channel, stdin, fail);
      });
    });
    exit.catch(() => undefined); // observed through stdout/output too; never unhandled
    return { stdout, exit, secrets };
  }
}

function feed(channel: ClientChannel, stdin: CommandOptions["stdin"], fail: (e: Error) => void): void {
  if (stdin === undefined) {
    channel.end(); // no stdin: send EOF so the remote side can finish
  } else if (typeof stdin === "string" || Buffer.isBuffer(stdin)) {
    channel.end(stdin);
  } else {
    stdin.on("error", (e) => {
      fail(e); // the source failed: the remote command must not see a clean end of input
      channel.close();
    });
    stdin.pipe(channel);
  }
}
