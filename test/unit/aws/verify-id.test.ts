/** Verify ids: one per request and second, apart from every run's and drill's name, recognised in a listing. */
import { drillId, isVerifyId, verifyId } from "@lifeboat/aws";
import { executionName, type VerifyRequest } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const at = "2026-11-29T10:15:30Z";
const asked: VerifyRequest = { kind: "verify", target: "nightly", readData: 0.1, trigger: "slack", requestedBy: "U1" };

describe("verify ids", () => {
  it("the same request is the same id; another target, share or person is another", () => {
    const id = verifyId(asked, at);
    expect(id).toMatch(/^verify-20261129T101530Z-[0-9a-f]{6}$/);
    expect(verifyId({ ...asked }, at)).toBe(id);
    for (const other of [{ target: "weekly" }, { readData: 1 }, { requestedBy: "U2" }]) {
      expect(verifyId({ ...asked, ...other }, at)).not.toBe(id);
    }
  });

  it("is told apart from runs and drills, even of a plan named verify", () => {
    expect(isVerifyId(verifyId(asked, at))).toBe(true);
    expect(isVerifyId(executionName("verify", at))).toBe(false);
    expect(isVerifyId(executionName("verify", at, "slack-3f9a1c"))).toBe(false);
    expect(isVerifyId(drillId({ kind: "drill", plan: "verify", trigger: "schedule" }, at))).toBe(false);
  });
});
