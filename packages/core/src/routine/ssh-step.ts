/** How a step over SSH is retried: the SSH phases (./ssh-phases.ts) and the jobs they follow (./follow-job.ts). */
import type { StepOptions } from "./durable";
import { isRetryable } from "./host";

/**
 * SSH steps are retried twice (10 s, 20 s later) unless the error says a retry cannot help
 * (`retryable: false`: a host key mismatch, duplicity missing).
 */
export const sshStep: StepOptions = {
  retryStrategy: (error, attempt) =>
    isRetryable(error) && attempt < 3
      ? { shouldRetry: true, delay: { seconds: 10 * attempt } }
      : { shouldRetry: false },
};
