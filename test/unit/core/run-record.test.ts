import { parseRunRecord, runRecordOf } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const run = { trigger: "slack" as const, by: "U0LIFEBOAT1", startedAt: 0, finishedAt: 90_000 };

describe("runRecordOf", () => {
  it("a droplet whose routine threw (no phase report) is recorded with its detail as the error", () => {
    const record = runRecordOf(
      {
        runId: "weekly-19700101T000000Z-slack",
        plan: "weekly",
        outcome: "failed",
        durationSeconds: 90,
        droplets: [{ droplet: "web-1", dropletId: 7, outcome: "failed", detail: "did not finish", phases: {} }],
      },
      run,
    );
    expect(record).toMatchObject({
      startedBy: { trigger: "slack", by: "U0LIFEBOAT1" },
      startedAt: "1970-01-01T00:00:00.000Z",
      finishedAt: "1970-01-01T00:01:30.000Z",
    });
    expect(record.droplets[0]!.errors).toEqual(["did not finish"]);
    expect(parseRunRecord(JSON.parse(JSON.stringify(record)))).toEqual(record);
  });

  it("parseRunRecord refuses what is not a record lifeboat wrote", () => {
    expect(parseRunRecord({ format: "lifeboat.manifest/v1", runId: "x" })).toBeUndefined();
    expect(parseRunRecord(null)).toBeUndefined();
    expect(parseRunRecord({ format: "lifeboat.run/v1", runId: "x", plan: "weekly" })).toBeUndefined();
  });
});
