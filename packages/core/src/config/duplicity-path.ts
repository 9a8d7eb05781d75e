/**
 * Whether a plan's `verify.duplicityPath` can be checked by `duplicity verify` on the droplet:
 * the plan backs up with duplicity, the path is one it backs up (under one of `duplicity.paths`,
 * not under an exclude), and the droplet can decrypt the backup (passphrase encryption: with
 * `gpg` the droplet holds only the public key, on purpose, and duplicity cannot read it back).
 */

/** The part of a plan's `duplicity` settings this check reads. */
export interface DuplicitySelection {
  paths: readonly string[];
  exclude: readonly string[];
  encryption: { type: "gpg" | "passphrase" };
}

/** "/srv/app/" → "/srv/app"; "/" stays "/". */
const trimmed = (path: string) => path.replace(/\/+$/, "") || "/";

/** True when `path` is `root` or inside it. */
export function isUnder(path: string, root: string): boolean {
  const p = trimmed(path);
  const r = trimmed(root);
  return r === "/" || p === r || p.startsWith(`${r}/`);
}

/**
 * What is wrong with `path` as this plan's `verify.duplicityPath`, in words, or undefined.
 * @example duplicityPathProblem("/srv/app", { paths: ["/srv"], exclude: [], encryption: { type: "passphrase" } }) // undefined
 */
export function duplicityPathProblem(path: string, duplicity: DuplicitySelection | undefined): string | undefined {
  if (!duplicity) {
    return "duplicity verify compares with the plan's duplicity backup, and this plan has no `duplicity`; add duplicity: { paths: […], … } or remove verify.duplicityPath";
  }
  if (duplicity.encryption.type === "gpg") {
    return 'duplicity verify decrypts the backup on the droplet, and with gpg encryption the droplet holds only the public key (on purpose); use encryption { type: "passphrase" } or remove verify.duplicityPath (verify still checks the chain)';
  }
  if (!duplicity.paths.some((root) => isUnder(path, root))) {
    return `is not under any of duplicity.paths (${duplicity.paths.join(", ")}), so no backup holds it; pick a path under one of them`;
  }
  const excluded = duplicity.exclude.find((e) => isUnder(path, e));
  if (excluded !== undefined) {
    return `is under duplicity.exclude ${excluded}, so no backup holds it; pick a path that is backed up`;
  }
  return undefined;
}
