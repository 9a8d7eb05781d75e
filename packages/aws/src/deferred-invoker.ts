/**
 * Hands long command work to a second run of the Slack function itself: an asynchronous
 * Invoke with the work (the Slack app's DeferredWork) as JSON payload. Bolt on Lambda answers
 * Slack only when the listener returns, so a listener that waited on DigitalOcean or S3 could
 * miss Slack's 3 s; this way the listener acks at once and the second invocation answers
 * through `response_url`.
 */
import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";

/**
 * @example
 * const defer = deferredInvoker({ lambda, functionName: process.env.AWS_LAMBDA_FUNCTION_NAME! });
 * await defer({ kind: "lifeboat.slack.deferred", command: { name: "cost" }, userId, responseUrl });
 */
export function deferredInvoker({ lambda, functionName }: { lambda: LambdaClient; functionName: string }) {
  return async (work: unknown): Promise<void> => {
    await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: "Event",
        Payload: new TextEncoder().encode(JSON.stringify(work)),
      }),
    );
  };
}
