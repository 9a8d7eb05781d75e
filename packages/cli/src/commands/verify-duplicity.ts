/**
 * `lifeboat verify`'s `duplicity verify` of each plan's `verify.duplicityPath` (#15 §1): a job on
 * the droplet, reached over SSH as `lifeboat run` reaches it (./../run/hosts.ts: SSH_PRIVATE_KEY,
 * the S3 credentials and DUPLICITY_PASSPHRASE of this environment), followed in this process by
 * core's `followDuplicityVerify`, the same as the run's verify step.
 */

import type { Droplet } from "@lifeboat/core";
import {
  followDuplicityVerify,
  type LifeboatConfig,
  noHostReason,
  type Plan,
  type VerifyFinding,
} from "@lifeboat/core";
import type { Sink } from "@lifeboat/storage";
import type { Environment } from "../environment";
import { cliDropletHosts } from "../run/hosts";
import { LocalSteps } from "../run/local-steps";

/** A plain name for the verify's job on the droplet: "verify-20261130T153000Z". */
const verifyRunId = (at: number) => `verify-${new Date(at).toISOString().replace(/[-:]|\.\d+/g, "")}`;

/**
 * One finding per droplet and plan that sets `verify.duplicityPath`, in order; none when no plan does.
 * @example findings.push(...(await duplicityVerifyFindings(config, env, sink, targets)));
 */
export async function duplicityVerifyFindings(
  config: LifeboatConfig,
  env: Environment,
  sink: Sink,
  targets: ReadonlyArray<{ droplet: Droplet; plans: readonly Plan[] }>,
): Promise<VerifyFinding[]> {
  const wanted = targets.flatMap(({ droplet, plans }) =>
    plans.filter((p) => p.duplicity && p.verify?.duplicityPath !== undefined).map((plan) => ({ droplet, plan })),
  );
  if (wanted.length === 0) return [];
  const hosts = cliDropletHosts(config, sink, env.target);
  const runId = verifyRunId(env.time.now());
  const steps = new LocalSteps(env.time);
  const findings: VerifyFinding[] = [];
  for (const { droplet, plan } of wanted) {
    const given = hosts(droplet, { runId, plan, dryRun: false });
    const host =
      given && !("skipped" in given)
        ? given
        : `${droplet.name} is not reachable over SSH: ${noHostReason(given, true, droplet.name)}`;
    const found = await followDuplicityVerify(steps, { plan, droplet: droplet.name, host, now: () => env.time.now() });
    if (found) findings.push(found);
  }
  return findings;
}
