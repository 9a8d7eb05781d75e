/**
 * The one place the functions' logs lose their secrets: every string a log line carries (the
 * message included, and strings nested in objects and errors) is scrubbed of
 *   - values known to be secret: the SST secrets as they are loaded, secrets in the
 *     environment, the plans' ping URLs (`plans[].notify.ping`), AWS credentials;
 *   - what looks like one: DigitalOcean and Slack tokens, private keys, AWS access key ids,
 *     bearer credentials, healthchecks.io ping URLs;
 * and a string under a key that names a secret (token, secret, password, …) is dropped whole.
 */

export const REDACTED = "[redacted]";

/** Secrets the functions load (functions/observability.ts registers each value as it is loaded). */
export const SECRET_NAMES = [
  "DIGITALOCEAN_TOKEN",
  "SLACK_SIGNING_SECRET",
  "SLACK_BOT_TOKEN",
  "SSH_PRIVATE_KEY",
  "DUPLICITY_PASSPHRASE",
  // Storage credentials, when the environment has them (S3 or Spaces keys, a role's session).
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "SPACES_SECRET",
] as const;

const SECRET_SHAPES: RegExp[] = [
  /dop_v1_[A-Za-z0-9]+/g,
  /xox[abeoprs]-[A-Za-z0-9-]+/g,
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /\bBearer\s+[^\s"',]+/gi,
  /https?:\/\/hc-ping\.com\/[^\s"',]+/g,
];

/** Keys whose string value is a secret whatever it looks like. */
const SECRET_KEY = /token|secret|password|passphrase|private_?key|credential|authorization|signature/i;

/** Shorter values are not secrets worth matching (and would blank out ordinary words). */
const MIN_SECRET_LENGTH = 6;

export class Redactor {
  private readonly known = new Set<string>();

  constructor(values: Iterable<string | undefined> = []) {
    for (const value of values) this.add(value);
  }

  /** A value to remove from every log line from now on. */
  add(value: string | undefined): void {
    if (value && value.length >= MIN_SECRET_LENGTH) this.known.add(value);
  }

  /** The text without any known or recognisable secret. */
  scrub(text: string): string {
    let out = text;
    // Longest first: a value that contains another is removed whole.
    for (const value of [...this.known].sort((a, b) => b.length - a.length)) out = out.replaceAll(value, REDACTED);
    for (const shape of SECRET_SHAPES) out = out.replace(shape, REDACTED);
    return out;
  }

  /** A JSON.stringify replacer (Powertools Logger's `jsonReplacerFn`). */
  readonly jsonReplacer = (key: string, value: unknown): unknown => {
    if (typeof value !== "string") return value;
    if (key && SECRET_KEY.test(key)) return REDACTED;
    return this.scrub(value);
  };
}

/** Secret values a function knows when it loads: from its environment and its config's ping URLs. */
export function secretsKnownAtLoad(
  env: Readonly<Record<string, string | undefined>>,
  pingUrls: ReadonlyArray<string | undefined>,
): string[] {
  return [...SECRET_NAMES.map((name) => env[name]), ...pingUrls].filter((v): v is string => Boolean(v));
}
