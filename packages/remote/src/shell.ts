/**
 * Commands are built, never pasted. `sh` is a tagged template: the literal text is written in
 * this package (trusted), every interpolated value is shell-quoted, and only a `Shell` built
 * by `sh` itself is inserted as it is. Names that reach Docker are checked first (./names.ts);
 * quoting is the second wall, not the only one.
 */

const BRAND = Symbol("lifeboat.shell");

/** A command line (or script) built by `sh`; its `text` is safe to hand to a POSIX shell. */
export interface Shell {
  readonly [BRAND]: true;
  readonly text: string;
}

export type ShellValue = string | number | Shell | ReadonlyArray<string | number | Shell>;

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one argument for a POSIX shell: plain words stay readable, anything else is wrapped
 * in single quotes (a `'` inside becomes `'\''`). NUL cannot be passed in argv and is refused.
 * @example quote("a b") // "'a b'"; quote("it's") // "'it'\\''s'"
 */
export function quote(value: string): string {
  if (value.includes("\0")) throw new Error("a shell argument may not contain a NUL byte");
  if (value !== "" && PLAIN.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

const isShell = (v: unknown): v is Shell => typeof v === "object" && v !== null && BRAND in v;

function render(value: ShellValue): string {
  if (isShell(value)) return value.text;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === "string") return quote(value);
  return value.map((v) => render(v)).join(" ");
}

/**
 * Builds a command: literal parts verbatim, values quoted, arrays as several quoted words.
 * @example sh`docker volume inspect ${name}` // docker volume inspect 'my vol'
 */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): Shell {
  let text = strings[0] ?? "";
  values.forEach((value, i) => {
    text += render(value) + (strings[i + 1] ?? "");
  });
  return { [BRAND]: true, text };
}

/** Joins built commands with a separator written here (e.g. " && "). */
export function join(parts: readonly Shell[], separator: " && " | " ; " | " | " | "\n"): Shell {
  return { [BRAND]: true, text: parts.map((p) => p.text).join(separator) };
}

/**
 * Runs `script` under bash with `pipefail`, so `docker save … | zstd` fails when docker does
 * (dash, Debian's /bin/sh, has no pipefail). Every DigitalOcean distribution image ships bash.
 */
export function bash(script: Shell): Shell {
  return sh`bash -c ${`set -o pipefail\n${script.text}`}`;
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * Secrets go through stdin, never argv: the returned command reads one line per secret into
 * exported variables, then runs `body` with them. Send `stdin` on the channel and close it.
 * Values may not contain a newline (they are read line by line); encode such values (base64).
 */
export function withSecrets(secrets: Readonly<Record<string, string>>, body: Shell): { command: Shell; stdin: string } {
  const names = Object.keys(secrets);
  for (const name of names) {
    if (!ENV_NAME.test(name)) throw new Error(`not an environment variable name: ${JSON.stringify(name)}`);
    const value = secrets[name] ?? "";
    if (/[\n\r\0]/.test(value)) throw new Error(`secret ${name} contains a line break or NUL; encode it first`);
  }
  const reads = names.map((n) => `IFS= read -r ${n} || [ -n "$${n}" ]`).join(" && ");
  const prologue = names.length > 0 ? `${reads} && export ${names.join(" ")} && ` : "";
  return {
    command: bash({ [BRAND]: true, text: `${prologue}${body.text}` }),
    stdin: names.map((n) => `${secrets[n]}\n`).join(""),
  };
}
