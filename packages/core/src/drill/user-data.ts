/**
 * The scratch droplet's cloud-init user data: the host key made for this drill (so lifeboat
 * pins it, never trusting on first use) and lifeboat's public key for root. It holds a
 * private key: it goes to DigitalOcean's create call and nowhere else (no log, no event, no
 * step result). Pure.
 */

export interface DrillHostKey {
  /** OpenSSH private key text (ed25519). */
  privateKey: string;
  /** "ssh-ed25519 AAAA…" */
  publicKey: string;
  /** `SHA256:…` as `ssh-keygen -lf` prints it: what lifeboat pins. */
  fingerprint: string;
}

const SINGLE_LINE = /^[A-Za-z0-9+/=@ ._:-]+$/;

/**
 * @example drillUserData(hostKey, "ssh-ed25519 AAAA… lifeboat")
 */
export function drillUserData(hostKey: Pick<DrillHostKey, "privateKey" | "publicKey">, authorizedKey: string): string {
  for (const [what, value] of [
    ["the host public key", hostKey.publicKey],
    ["lifeboat's public key", authorizedKey],
  ] as const) {
    if (!SINGLE_LINE.test(value)) throw new Error(`${what} is not a one-line OpenSSH public key`);
  }
  const privateLines = hostKey.privateKey.trim().split("\n");
  if (!privateLines[0]?.startsWith("-----BEGIN "))
    throw new Error("the drill's host key is not a PEM/OpenSSH private key");
  return [
    "#cloud-config",
    "# lifeboat restore drill: this droplet's host key is the one lifeboat pins for it.",
    "ssh_deletekeys: true",
    "ssh_genkeytypes: []",
    "disable_root: false",
    "ssh_keys:",
    "  ed25519_private: |",
    ...privateLines.map((line) => `    ${line.trimEnd()}`),
    `  ed25519_public: ${hostKey.publicKey}`,
    "ssh_authorized_keys:",
    `  - ${authorizedKey}`,
    "",
  ].join("\n");
}
