/**
 * What `verify` says: one finding per thing it checked, each naming the droplet and the item
 * (a run's manifest, an archive, a debris run, a duplicity set, a snapshot), whether it holds,
 * and in words why not. The CLI, Slack and the run's report all print these.
 */

/** What a finding is about. */
export type VerifyCheck = "manifest" | "object" | "data" | "debris" | "duplicity" | "snapshot";

export interface VerifyFinding {
  droplet: string;
  check: VerifyCheck;
  /** The item named: a storage key, a run id, a snapshot name. */
  item: string;
  ok: boolean;
  /** What was found, in words: why it is broken, or what was checked. */
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  /** The seed that picked the archives read back: `--seed` repeats the same pick. */
  seed: number;
  /** The share of archives read back (0: sizes only). */
  readData: number;
  findings: VerifyFinding[];
}

/** @example verifyReport(findings, 42, 0.1).ok // false when any finding is broken */
export function verifyReport(findings: VerifyFinding[], seed: number, readData: number): VerifyReport {
  return { ok: findings.every((f) => f.ok), seed, readData, findings };
}

/** The report as lines for people: broken items first, each named; then what held. */
export function verifyReportLines(report: VerifyReport): string[] {
  const broken = report.findings.filter((f) => !f.ok);
  const held = report.findings.filter((f) => f.ok);
  const read = report.readData > 0 ? `read back ${Math.round(report.readData * 100)}% of the archives` : "sizes only";
  const lines = [
    report.ok
      ? `verify: all ${held.length} checks hold (${read}, seed ${report.seed})`
      : `verify: ${broken.length} broken of ${report.findings.length} checks (${read}, seed ${report.seed}; repeat with --seed ${report.seed})`,
  ];
  for (const f of broken) lines.push(`  BROKEN ${f.droplet} ${f.check} ${f.item}: ${f.detail}`);
  for (const f of held) lines.push(`  ok     ${f.droplet} ${f.check} ${f.item}: ${f.detail}`);
  return lines;
}
