/**
 * functions/backup-dispatch under the durable test runner against a sandbox: what the
 * backup-dispatch tests share. The routine's deps are given; a drill is not expected.
 */
import { type DurableContext, withDurableExecution } from "@aws/durable-execution-sdk-js";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import type { BackupRunInput, LifeboatConfig, RoutineDeps } from "@lifeboat/core";
import type { Sandbox } from "@lifeboat/sandbox";
import { type BackupRunOutput, dispatchBackupRun } from "../../../functions/backup-dispatch";
import { withVirtualTime } from "../routine/virtual-time";

export function dispatchRunner(sandbox: Sandbox, config: LifeboatConfig, deps: RoutineDeps) {
  return new LocalDurableTestRunner<BackupRunOutput>({
    handlerFunction: withDurableExecution<BackupRunInput, BackupRunOutput>((request, ctx: DurableContext) =>
      dispatchBackupRun(
        withVirtualTime(ctx, (ms) => sandbox.advance(ms)),
        request,
        {
          config,
          routine: async () => deps,
          drill: () => {
            throw new Error("no drill in this test");
          },
        },
      ),
    ),
  });
}
