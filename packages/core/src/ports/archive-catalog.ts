/**
 * What lifeboat's use cases (retention, fleet usage) need of the archive store: a droplet's
 * complete archive runs and a way to delete one. `@lifeboat/storage` implements it (`archiveCatalog`).
 */

/** A key a run's manifest lists that deleting the run will not touch, and why. */
export interface RefusedKey {
  runId: string;
  manifestKey: string;
  key: string;
  reason: string;
}

/** One complete archive run (it has a manifest) of one droplet. */
export interface ArchiveRun {
  runId: string;
  /** The plan that made it (from its manifest). */
  plan: string;
  /** When it was made (ISO, from its manifest): the retention clock of archives. */
  createdAt: string;
  /** Bytes of the run's archives. */
  bytes: number;
  /** Keys its manifest lists outside its own run directory: deleting the run leaves them alone. */
  refused: RefusedKey[];
}

export interface ArchiveCatalog {
  /** A droplet's complete archive runs, every plan's, each manifest read once. */
  listRuns(droplet: string): Promise<ArchiveRun[]>;
  /**
   * Deletes one run listed by `listRuns`: its manifest first (so it stops counting as
   * restorable), then the archives inside its run directory; never a refused key.
   */
  deleteRun(droplet: string, run: ArchiveRun): Promise<void>;
}
