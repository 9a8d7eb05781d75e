/**
 * What lifeboat needs to know of the archive store: the complete runs kept for a droplet.
 * `@lifeboat/storage` implements it over a sink (`archiveCatalog`); use cases only see this.
 */

export interface ArchiveRunSummary {
  runId: string;
  /** The plan whose run wrote it (from the run's manifest). */
  plan: string;
  createdAt: string;
  /** Bytes of the run's archives. */
  bytes: number;
}

export interface ArchiveCatalog {
  /** A droplet's complete runs (those with a manifest), newest first. */
  completeRuns(droplet: string): Promise<ArchiveRunSummary[]>;
}
