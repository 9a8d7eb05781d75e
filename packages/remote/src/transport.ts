/**
 * How a command reaches the droplet. A transport starts one shell command line and hands back
 * its three pipes and its end; ./session.ts does everything else (secrets on stdin, logging,
 * bounded stderr, redaction, timeouts, back-pressure) the same way for every transport.
 */
import type { Readable, Writable } from "node:stream";

export interface Execution {
  stdout: Readable;
  stderr: Readable;
  stdin: Writable;
  /** The command's end: its exit code (null when a signal ended it). Rejects when the link to the droplet is lost. */
  done: Promise<{ code: number | null; signal?: string }>;
  /** Stops the command (on a timeout, or when its stdin source failed). */
  abort(): void;
}

export interface Transport {
  /** Starts `command` (POSIX shell text built by `sh`); `what` names it in errors. */
  exec(command: string, what: string): Promise<Execution>;
  /** Ends the connection; later commands fail. */
  close(): void;
}
