/**
 * Answers a waiting run's approval: SendDurableExecutionCallbackSuccess with the
 * ApprovalAnswer as the callback's result. The durable service accepts one answer per
 * callback; a second answer, or one after the timeout, is refused with
 * CallbackTimeoutException — that refusal is how "first decision wins" holds across
 * concurrent Lambda invocations.
 */
import {
  CallbackTimeoutException,
  type LambdaClient,
  SendDurableExecutionCallbackSuccessCommand,
} from "@aws-sdk/client-lambda";
import type { ApprovalAnswer } from "@lifeboat/core";

export type AnswerResult = "accepted" | "closed";

/**
 * @example
 * const answer = approvalResponder(lambda);
 * await answer("cb-123", { decision: "approve", by: "U024BE7LH" }); // "accepted" or "closed"
 */
export function approvalResponder(lambda: LambdaClient) {
  return async (callbackId: string, answer: ApprovalAnswer): Promise<AnswerResult> => {
    try {
      await lambda.send(
        new SendDurableExecutionCallbackSuccessCommand({
          CallbackId: callbackId,
          Result: new TextEncoder().encode(JSON.stringify(answer)),
        }),
      );
      return "accepted";
    } catch (error) {
      if (error instanceof CallbackTimeoutException) return "closed";
      throw error;
    }
  };
}
