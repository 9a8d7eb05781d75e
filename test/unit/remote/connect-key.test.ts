/** A private key that ssh2 cannot parse is a permanent error: reported at once, never retried. */

import { isRetryable } from "@lifeboat/core";
import { connect, PermanentError } from "@lifeboat/remote";
import { describe, expect, it } from "vitest";

const malformed = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAnot-a-key\n-----END OPENSSH PRIVATE KEY-----\n";

describe("connect with a malformed SSH private key", () => {
  it("fails at once with a permanent error that names the setting, even with the after-boot retries", async () => {
    const started = Date.now();
    // The after-boot settings: 12 attempts, 5 s apart — a minute if the error were retried.
    const error = await connect({
      host: "127.0.0.1",
      port: 9, // nothing is dialled: the key is read first
      privateKey: malformed,
      hostKey: `SHA256:${"A".repeat(43)}`,
      name: "web-1",
      attempts: 12,
      retryDelayMs: 5_000,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(PermanentError);
    expect(isRetryable(error)).toBe(false);
    expect((error as Error).message).toContain("SSH_PRIVATE_KEY");
    expect((error as Error).message).toContain("web-1");
    expect((error as Error).message).not.toContain("AAAAnot-a-key");
  }, 10_000);
});
