/**
 * Where a deployed lifeboat keeps things in the stack's archive bucket (LIFEBOAT_BUCKET). One
 * place, read by the functions and by stacks/Backups.ts, so the droplet role's S3 grant and
 * the prefix duplicity writes to cannot drift apart.
 *
 *   lifeboat/runs/<droplet>/<runId>/…       archives and manifests (packages/storage/FORMAT.md)
 *   lifeboat/duplicity/<droplet>/…          duplicity's own files, one target per droplet
 *   lifeboat/history/<plan>/…               run records, one per run (backup-run writes, Slack reads)
 */
import { duplicityRoot, runsRoot, duplicityPrefix as storeDuplicityPrefix } from "@lifeboat/storage";

/** Prefix of everything lifeboat writes to the stack's bucket. */
export const DEPLOYED_PREFIX = "lifeboat/";

/** The duplicity targets' common prefix: the droplet role may write below it, nowhere else. */
export const DUPLICITY_ROOT = duplicityRoot(DEPLOYED_PREFIX);

/** Every run's directory is below it: a droplet's archive job may upload there (one run's, per session), nowhere else. */
export const RUNS_ROOT = runsRoot(DEPLOYED_PREFIX);

/** One droplet's duplicity prefix (no trailing slash, as duplicity's target URL takes it). */
export const duplicityPrefix = (droplet: string): string => storeDuplicityPrefix(DEPLOYED_PREFIX, droplet);
