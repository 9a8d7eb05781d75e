/** Errors that say what happened on which droplet, in plain words. */

export class HostKeyMismatchError extends Error {
  /** A retry meets the same key: the routine does not retry (see @lifeboat/core isRetryable). */
  readonly retryable = false;
  constructor(
    readonly host: string,
    readonly expected: string,
    readonly offered: string,
  ) {
    super(
      `refused to connect to ${host}: its host key is ${offered}, but the config pins ${expected}. ` +
        "If the droplet was rebuilt, check the new key (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on its console) and update ssh.droplets.<name>.hostKey",
    );
    this.name = "HostKeyMismatchError";
  }
}

export class RemoteCommandError extends Error {
  constructor(
    readonly host: string,
    /** What lifeboat was doing, e.g. "archive volume data". */
    readonly what: string,
    readonly code: number | null,
    readonly signal: string | undefined,
    /** The end of the command's stderr (bounded). */
    readonly stderr: string,
  ) {
    const status = code !== null ? `exit code ${code}` : `signal ${signal ?? "unknown"}`;
    super(`${what} on ${host} failed (${status})${stderr.trim() ? `: ${stderr.trim()}` : ""}`);
    this.name = "RemoteCommandError";
  }
}

export class ConnectionLostError extends Error {
  constructor(
    readonly host: string,
    what: string,
  ) {
    super(`the SSH connection to ${host} was lost during ${what}`);
    this.name = "ConnectionLostError";
  }
}

/** Replaces every occurrence of each secret by "[redacted]" (for text that came from the droplet). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("[redacted]");
  return out;
}

/** A failure that a retry cannot fix (a refused key, a missing address): the routine does not retry it. */
export class PermanentError extends Error {
  readonly retryable = false;
}
