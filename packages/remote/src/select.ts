/** Name globs from the plan ("*", "web-?", "gitlab*") applied to containers and volumes. */

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replaceAll("*", ".*")
    .replaceAll("?", ".");
  return new RegExp(`^${body}$`);
}

/**
 * The names matching any `include` glob and no `exclude` glob, in their original order.
 * @example selectNames(["web", "db", "cache"], { include: ["*"], exclude: ["cache"] }) // ["web", "db"]
 */
export function selectNames(names: readonly string[], filter: { include: string[]; exclude: string[] }): string[] {
  const include = filter.include.map(globToRegExp);
  const exclude = filter.exclude.map(globToRegExp);
  return names.filter((n) => include.some((r) => r.test(n)) && !exclude.some((r) => r.test(n)));
}
