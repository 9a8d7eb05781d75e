import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { run } from "./process";

export interface GpgKeys {
  /** A private GNUPGHOME holding the test key pair (secret key included, for restores). */
  home: string;
  fingerprint: string;
  publicKeyArmored: string;
}

/** A fresh key pair (sign + encrypt subkey, no passphrase) in a private GNUPGHOME. */
export async function createGpgKeys(dir: string): Promise<GpgKeys> {
  const home = join(dir, "gnupg");
  await mkdir(home, { recursive: true, mode: 0o700 });
  const gpg = (args: string[]) => run("gpg", ["--homedir", home, "--batch", ...args]);
  await gpg([
    "--passphrase",
    "",
    "--quick-gen-key",
    "lifeboat test <test@lifeboat.invalid>",
    "future-default",
    "default",
    "never",
  ]);
  const listing = await gpg(["--with-colons", "--list-keys"]);
  const fingerprint =
    listing
      .split("\n")
      .find((l) => l.startsWith("fpr:"))
      ?.split(":")[9] ?? "";
  const publicKeyArmored = await gpg(["--armor", "--export", fingerprint]);
  return { home, fingerprint, publicKeyArmored };
}

/** Stops the gpg-agent a GNUPGHOME started, so no process outlives the suite. */
export async function stopGpgAgent(home: string): Promise<void> {
  await run("gpgconf", ["--homedir", home, "--kill", "all"]).catch(() => undefined);
}
