import { expectedSnapshotSeconds, monthlyCost, PRICES, pricesFor } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const GB = 1024 ** 3;

describe("monthly cost", () => {
  it("prices snapshots at $0.06/GB and S3 archives at $0.023/GB", () => {
    const report = monthlyCost(
      [
        { plan: "weekly", snapshotGb: [25, 24, 26], archiveBytes: 10 * GB },
        { plan: "nightly", snapshotGb: [], archiveBytes: 40 * GB },
      ],
      PRICES.s3,
    );
    expect(report.plans).toEqual([
      {
        plan: "weekly",
        snapshots: 3,
        snapshotGb: 75,
        snapshotUsd: 4.5,
        archiveGb: 10,
        archiveUsd: 0.23,
        totalUsd: 4.73,
      },
      { plan: "nightly", snapshots: 0, snapshotGb: 0, snapshotUsd: 0, archiveGb: 40, archiveUsd: 0.92, totalUsd: 0.92 },
    ]);
    expect(report.totalUsd).toBe(5.65);
  });

  it("charges Spaces' $5 once and only the archive GB beyond the included 250", () => {
    const report = monthlyCost(
      [
        { plan: "a", snapshotGb: [], archiveBytes: 200 * GB },
        { plan: "b", snapshotGb: [], archiveBytes: 100 * GB },
      ],
      PRICES.spaces,
    );
    // 300 GB stored, 50 GB billable at $0.02 = $1.00, shared 2:1.
    expect(report.plans.map((p) => p.archiveUsd)).toEqual([0.67, 0.33]);
    expect(report.baseUsd).toBe(5);
    expect(report.totalUsd).toBe(6);
  });

  it("prices a Spaces endpoint as Spaces, any other S3 store as S3, a local directory as free", () => {
    const s3 = { type: "s3", bucket: "backups", region: "fra1", prefix: "lifeboat/" } as const;
    expect(pricesFor({ ...s3, endpoint: "https://fra1.digitaloceanspaces.com" })).toBe("spaces");
    expect(pricesFor(s3)).toBe("s3");
    expect(pricesFor({ ...s3, endpoint: "https://s3.eu-central-1.amazonaws.com" })).toBe("s3");
    expect(pricesFor({ type: "local", directory: ".lifeboat" })).toBe("local");
  });

  it("expects a 25 GB snapshot to take about 24 minutes", () => {
    expect(expectedSnapshotSeconds(25)).toBe(1475);
    expect(expectedSnapshotSeconds(0)).toBe(60);
  });
});
