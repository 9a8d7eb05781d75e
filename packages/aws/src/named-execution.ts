/**
 * Starts a durable execution of `backup-run` under a name of the caller's choosing: an
 * asynchronous Invoke of a qualified ARN. Lambda refuses a second start of the same name with
 * another payload, which is how the same request twice stays one execution.
 */
import { DurableExecutionAlreadyStartedException, InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";

/** true: started (or the same payload already was); false: that name already runs another payload. */
export async function startNamedExecution(
  lambda: LambdaClient,
  functionName: string,
  name: string,
  payload: unknown,
): Promise<boolean> {
  try {
    await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: "Event",
        DurableExecutionName: name,
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof DurableExecutionAlreadyStartedException) return false;
    throw error;
  }
}
