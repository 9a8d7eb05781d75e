/**
 * The executions of the durable `backup-run` function, newest first:
 * ListDurableExecutionsByFunction, with the service's statuses in lifeboat's words.
 */
import { type Execution, type LambdaClient, ListDurableExecutionsByFunctionCommand } from "@aws-sdk/client-lambda";

export interface DurableRun {
  /** The durable execution name: the run id (core's `executionName`). */
  name: string;
  status: "running" | "succeeded" | "failed" | "stopped";
  startedAt: string;
  finishedAt?: string;
}

/** TIMED_OUT and STOPPED both ended the run without an outcome: "stopped". */
function statusOf(execution: Execution): DurableRun["status"] {
  if (execution.Status === "RUNNING") return "running";
  if (execution.Status === "SUCCEEDED") return "succeeded";
  if (execution.Status === "FAILED") return "failed";
  return "stopped";
}

/**
 * @example
 * const runs = durableRuns({ lambda, functionName: "lifeboat-prod-backup-run" });
 * await runs(); // [{ name: "weekly-20261129T030000Z", status: "running", startedAt: "2026-11-29T03:00:02.000Z" }, …]
 */
export function durableRuns({
  lambda,
  functionName,
  maxItems = 100,
}: {
  lambda: LambdaClient;
  /** The function's name or ARN, unqualified: executions are listed per function. */
  functionName: string;
  maxItems?: number;
}) {
  return async (): Promise<DurableRun[]> => {
    const out = await lambda.send(
      new ListDurableExecutionsByFunctionCommand({
        FunctionName: functionName,
        ReverseOrder: true,
        MaxItems: maxItems,
      }),
    );
    return (out.DurableExecutions ?? []).map((execution) => ({
      name: execution.DurableExecutionName ?? "",
      status: statusOf(execution),
      startedAt: (execution.StartTimestamp ?? new Date(0)).toISOString(),
      ...(execution.EndTimestamp ? { finishedAt: execution.EndTimestamp.toISOString() } : {}),
    }));
  };
}
