/**
 * The one error the DigitalOcean client throws. It carries DO's error id, message and request
 * id, the operation and the droplet, and never the token: it is built from those fields only,
 * never from the axios error (whose `config.headers` hold the Authorization header).
 */
export type DigitalOceanErrorKind =
  /** DO answered with an error status. */
  | "api"
  /** No answer: connection refused, dropped, timed out. */
  | "network"
  /** Gave up waiting for the droplet's in-flight action (a 422 pending event). */
  | "timeout";

export interface DigitalOceanErrorFields {
  kind: DigitalOceanErrorKind;
  /** What lifeboat was doing, e.g. "shutdown", "list snapshots". */
  operation: string;
  dropletId?: number;
  status?: number;
  /** DO's error id, e.g. "not_found", "unprocessable_entity". */
  doId?: string;
  /** DO's (or the network's) message. */
  detail: string;
  requestId?: string;
  /** How many requests were made before giving up. */
  attempts?: number;
}

export class DigitalOceanError extends Error {
  override readonly name = "DigitalOceanError";
  readonly kind: DigitalOceanErrorKind;
  readonly operation: string;
  readonly dropletId?: number;
  readonly status?: number;
  readonly doId?: string;
  readonly detail: string;
  readonly requestId?: string;
  readonly attempts?: number;

  constructor(fields: DigitalOceanErrorFields) {
    super(describe(fields));
    this.kind = fields.kind;
    this.operation = fields.operation;
    this.dropletId = fields.dropletId;
    this.status = fields.status;
    this.doId = fields.doId;
    this.detail = fields.detail;
    this.requestId = fields.requestId;
    this.attempts = fields.attempts;
  }

  /**
   * The error in plain words for a Slack report.
   * @example "DigitalOcean refused to shutdown droplet 3164444: Droplet already has a pending event. (HTTP 422 unprocessable_entity, request 4d9d…, after 3 tries)"
   */
  plainWords(): string {
    return this.message;
  }

  toJSON(): DigitalOceanErrorFields & { name: string; message: string } {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      operation: this.operation,
      dropletId: this.dropletId,
      status: this.status,
      doId: this.doId,
      detail: this.detail,
      requestId: this.requestId,
      attempts: this.attempts,
    };
  }
}

function describe(f: DigitalOceanErrorFields): string {
  const target = f.dropletId === undefined ? f.operation : `${f.operation} droplet ${f.dropletId}`;
  const facts = [
    f.status === undefined ? undefined : `HTTP ${f.status}${f.doId ? ` ${f.doId}` : ""}`,
    f.requestId ? `request ${f.requestId}` : undefined,
    f.attempts && f.attempts > 1 ? `after ${f.attempts} tries` : undefined,
  ].filter(Boolean);
  const tail = facts.length > 0 ? ` (${facts.join(", ")})` : "";
  switch (f.kind) {
    case "api":
      return `DigitalOcean refused to ${target}: ${f.detail}${tail}`;
    case "network":
      return `Could not reach DigitalOcean to ${target}: ${f.detail}${tail}`;
    case "timeout":
      return `Gave up waiting to ${target}: ${f.detail}${tail}`;
  }
}

/** Removes every occurrence of `secret` from `text` (defence in depth for messages we did not write). */
export function scrub(text: string, secret: string): string {
  return secret.length > 0 ? text.split(secret).join("[redacted]") : text;
}
