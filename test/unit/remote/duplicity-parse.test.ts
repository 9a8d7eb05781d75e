import { parseBackupStatistics, parseCollectionStatus } from "@lifeboat/remote";
import { describe, expect, it } from "vitest";

// Output of duplicity 0.8.22 (this host) after a full and an incremental, then a second full.
const STATUS = `Last full backup date: Thu Nov 26 07:25:34 2026
Collection Status
-----------------
Connecting with backend: BackendWrapper
Archive dir: /tmp/duptest/arch/t1

Found 1 secondary backup chain.
Secondary chain 1 of 1:
-------------------------
Chain start time: Thu Nov 26 07:20:34 2026
Chain end time: Thu Nov 26 07:20:36 2026
Number of contained backup sets: 2
Total number of contained volumes: 2
 Type of backup set:                            Time:      Num volumes:
                Full         Thu Nov 26 07:20:34 2026                 1
         Incremental         Thu Nov 26 07:20:36 2026                 1
-------------------------


Found primary backup chain with matching signature chain:
-------------------------
Chain start time: Thu Nov 26 07:25:34 2026
Chain end time: Thu Nov 26 07:25:34 2026
Number of contained backup sets: 1
Total number of contained volumes: 1
 Type of backup set:                            Time:      Num volumes:
                Full         Thu Nov  26 07:25:34 2026                 1
-------------------------
No orphaned or incomplete backup sets found.
`;

const STATS = `--------------[ Backup Statistics ]--------------
StartTime 1795677634.46 (Thu Nov 26 07:20:34 2026)
SourceFiles 2
SourceFileSize 4102 (4.01 KB)
TotalDestinationSizeChange 304 (304 bytes)
Errors 0
-------------------------------------------------
`;

describe("duplicity output", () => {
  it("reads chains, the last full (UTC) and the primary chain's sets from collection-status", () => {
    expect(parseCollectionStatus(STATUS)).toEqual({ chains: 2, lastFull: "2026-11-26T07:25:34.000Z", sets: 1 });
  });

  it("reads an empty target as no chains and no last full", () => {
    const empty = "Last full backup date: none\nNo backup chains with active signatures found\n";
    expect(parseCollectionStatus(empty)).toEqual({ chains: 0, sets: 0 });
  });

  it("reads the bytes a backup added", () => {
    expect(parseBackupStatistics(STATS)).toEqual({ bytes: 304, sourceBytes: 4102, errors: 0 });
  });
});
