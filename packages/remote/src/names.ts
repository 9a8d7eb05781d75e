/**
 * Docker's own name rules, checked before a name goes anywhere near a command line. A name
 * that fails is refused with what was expected; nothing is run.
 * Sources: moby `daemon/names` (containers, volumes) and distribution `reference` (images).
 */

export class UnsafeNameError extends Error {
  readonly retryable = false;
  constructor(
    readonly kind: "container" | "volume" | "image" | "path" | "key",
    readonly value: string,
    expected: string,
  ) {
    super(`${kind} ${JSON.stringify(value)} is refused: expected ${expected}; nothing was run`);
    this.name = "UnsafeNameError";
  }
}

// [a-zA-Z0-9][a-zA-Z0-9_.-]+ — Docker's RestrictedNameChars, used for containers and volumes.
const RESTRICTED = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const RESTRICTED_RULE = 'a letter or digit, then letters, digits, "_", "." or "-" (Docker\'s name rule)';

/** A container name (or full id) as Docker allows it; a leading "/" from `docker inspect` is dropped. */
export function containerName(name: string): string {
  const bare = name.startsWith("/") ? name.slice(1) : name;
  if (!RESTRICTED.test(bare) || bare.length > 255) throw new UnsafeNameError("container", name, RESTRICTED_RULE);
  return bare;
}

/** A named volume as Docker's local driver allows it. */
export function volumeName(name: string): string {
  if (!RESTRICTED.test(name) || name.length > 255) throw new UnsafeNameError("volume", name, RESTRICTED_RULE);
  return name;
}

const DOMAIN_PART = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]+)?`;
const PATH_PART = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}";
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_PART}(?:/${PATH_PART})*(?::${TAG})?(?:@${DIGEST})?$`);
const IMAGE_ID = /^(?:sha256:)?[a-f0-9]{12,64}$/;

/** An image reference (`repo/name:tag@sha256:…`) or an image id (`sha256:…`). */
export function imageRef(ref: string): string {
  if (ref.length > 512 || !(IMAGE_ID.test(ref) || REFERENCE.test(ref))) {
    throw new UnsafeNameError("image", ref, 'an image reference such as "busybox:1.36" or an id "sha256:…"');
  }
  return ref;
}

/** An absolute path on the droplet (quoted on use; never starting with "-", never with NUL or "..") */
export function absolutePath(path: string): string {
  if (!path.startsWith("/") || path.includes("\0") || path.split("/").includes("..")) {
    throw new UnsafeNameError("path", path, 'an absolute path such as "/srv/data", without ".."');
  }
  return path;
}
