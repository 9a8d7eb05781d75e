/**
 * A verify report as the `verify.finished` event carries it: the counts, and the broken items
 * named, bounded so that one event stays well inside EventBridge's 256 KB and a Slack message's
 * limits however much is broken (the CLI's `lifeboat verify` lists everything).
 */
import type { EventOf, VerifyBrokenItem } from "../events";
import type { VerifyReport } from "./report";

/** At most this many broken items are named in one event; `brokenCount` says how many there are. */
export const VERIFY_EVENT_MAX_BROKEN = 20;
/** An item or detail longer than this is cut (a storage error can be long). */
const MAX_TEXT = 300;

const cut = (text: string): string => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);

type Figures = Pick<
  EventOf<"verify.finished">,
  "passed" | "droplets" | "checks" | "brokenCount" | "readData" | "seed" | "broken"
>;

/**
 * @example verifyFinishedFigures(report, 2) // { passed: false, droplets: 2, checks: 9, brokenCount: 1, broken: [{ droplet: "drone", … }], … }
 */
export function verifyFinishedFigures(report: VerifyReport, droplets: number): Figures {
  const broken = report.findings.filter((f) => !f.ok);
  return {
    passed: report.ok,
    droplets,
    checks: report.findings.length,
    brokenCount: broken.length,
    readData: report.readData,
    seed: report.seed,
    broken: broken
      .slice(0, VERIFY_EVENT_MAX_BROKEN)
      .map((f): VerifyBrokenItem => ({ droplet: f.droplet, check: f.check, item: cut(f.item), detail: cut(f.detail) })),
  };
}
