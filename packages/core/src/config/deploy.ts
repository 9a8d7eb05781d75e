/**
 * `deploy` in lifeboat.config.ts: what `sst deploy` / `sst remove` may do to a stage's AWS
 * resources. Backups outlive the stack by default; losing them takes naming the stage here.
 */
import { z } from "zod";

/** SST stage names: letters, digits and dashes. */
const stageName = z.string({ error: "expected a stage name" }).regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, {
  error: 'expected a stage name of letters, digits and dashes, e.g. "dev-alice"',
});

export const deploySchema = z.strictObject({
  /**
   * Stages whose archive bucket, with every archive in it, is deleted by `sst remove`. Every
   * stage not listed keeps its bucket (and the duplicity data in it) when the stack goes.
   */
  disposableStages: z.array(stageName).default([]),
  /**
   * Where lifeboat's alarms (a failed run, a watchdog recovery, no successful run of a plan in
   * time) are emailed: the stack subscribes it to its alarm topic, and AWS sends a confirmation
   * mail first. Not set: the topic has no subscriber (subscribe later in the SNS console).
   */
  alarmEmail: z.email({ error: 'expected an email address such as "ops@example.com"' }).optional(),
});
