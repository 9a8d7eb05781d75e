/**
 * The SlackBackend the deployed Slack function uses, built from the other adapters: the
 * DigitalOcean client (droplets, snapshots), the archive store's catalog, the durable
 * executions of backup-run (run status), and core's retention use case and prices.
 */
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { durableRuns, isDrillId, isVerifyId } from "@lifeboat/aws";
import {
  type DropletApi,
  fleetCost,
  isKeptName,
  type LifeboatConfig,
  listedSnapshot,
  newestFirst,
  type Plan,
  type PriceList,
  planDroplets,
  planNamed,
  runRetention,
  selects,
} from "@lifeboat/core";
import type { DropletBackups, DropletRef, PlanStatus, RunInfo, SlackBackend } from "@lifeboat/slack";
import { archiveCatalog, listRuns, type Sink } from "@lifeboat/storage";
import { doBackupRestoreOptions, startBackupRestore } from "./slack-backup-restore";

export interface BackendDeps {
  config: LifeboatConfig;
  droplets: DropletApi;
  archives: Sink;
  /** Whether `archives` is S3 or Spaces, for its price (core's `pricesFor`). */
  archivePrices: PriceList;
  lambda: LambdaClient;
  /** The backup-run function (name or ARN, unqualified). */
  backupFunction: string;
}

/** A run id (durable execution name) belongs to the longest plan name it starts with. */
export function planOfRun(runId: string, plans: readonly string[]): string | undefined {
  return [...plans].sort((a, b) => b.length - a.length).find((p) => new RegExp(`^${p}-\\d{8}T`).test(runId));
}

const isNotFound = (error: unknown) => (error as { status?: number }).status === 404;

export function deployedBackend(deps: BackendDeps): SlackBackend {
  const { config, droplets, archives } = deps;

  const dropletsOf = (plan: Plan) => planDroplets(droplets, plan);

  /** Core's retention use case over this plan's droplets: snapshots and archive runs read once. */
  async function retention(planName: string, dryRun: boolean) {
    const plan = planNamed(config, planName);
    return runRetention(
      { droplets, archives: archiveCatalog(archives) },
      { plan, droplets: await dropletsOf(plan), targets: ["snapshots", "archives"], dryRun },
    );
  }

  async function runs(): Promise<RunInfo[]> {
    const names = config.plans.map((p) => p.name);
    const executions = await durableRuns({ lambda: deps.lambda, functionName: deps.backupFunction })();
    return executions.flatMap(({ name, ...run }) => {
      // A verify (`/lifeboat verify`) is no run of a plan, even of one named "verify".
      if (isVerifyId(name)) return [];
      const plan = planOfRun(name, names);
      const kind = isDrillId(name) ? { kind: "drill" as const } : {};
      return plan ? [{ runId: name, plan, ...kind, ...run } satisfies RunInfo] : [];
    });
  }

  return {
    async status(plans): Promise<PlanStatus[]> {
      const all = await runs();
      return plans.map((plan) => {
        const mine = all.filter((r) => r.plan === plan);
        const lastFinished = mine.find((r) => r.status !== "running" && r.kind !== "drill");
        return { plan, running: mine.filter((r) => r.status === "running"), ...(lastFinished ? { lastFinished } : {}) };
      });
    },

    async findDroplet(name): Promise<DropletRef | undefined> {
      try {
        const [droplet] = await droplets.findDroplets({ name });
        if (!droplet) return undefined;
        return {
          id: droplet.id,
          name: droplet.name,
          plans: config.plans
            .filter((p) => p.droplets.some((selector) => selects(selector, droplet)))
            .map((p) => p.name),
        };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async listBackups(ref): Promise<DropletBackups> {
      const snapshots = (await droplets.listDropletSnapshots(ref.id))
        .filter((s) => s.name.startsWith("lifeboat-") || isKeptName(s.name, ref.name))
        .sort(newestFirst)
        .map((s) => listedSnapshot(s, ref.name));
      const doBackups = (await droplets.listDropletBackups(ref.id))
        .sort(newestFirst)
        .map((b) => ({ id: b.id, name: b.name, createdAt: b.createdAt, sizeGb: b.sizeGb }));
      const catalog = await listRuns(archives, ref.name);
      return {
        droplet: ref,
        snapshots,
        doBackups,
        archiveRuns: [
          ...catalog.runs.map((r) => ({
            runId: r.runId,
            plan: r.manifest.plan,
            createdAt: r.createdAt,
            bytes: r.bytes,
            items: r.manifest.containers.length + r.manifest.volumes.length,
            complete: true,
          })),
          ...catalog.incomplete.map((runId) => ({
            runId,
            plan: "?",
            createdAt: "",
            bytes: 0,
            items: 0,
            complete: false,
          })),
        ],
      };
    },

    previewRetention: (planName) => retention(planName, true),

    applyRetention: (planName) => retention(planName, false),

    /** Core's `fleetCost`, the same use case as `lifeboat cost` (packages/cli). */
    storageCost: () => fleetCost({ droplets, archives: archiveCatalog(archives) }, config.plans, deps.archivePrices),

    async restoreOptions(ref) {
      const { snapshots, archiveRuns, doBackups = [] } = await this.listBackups(ref);
      return [
        ...doBackupRestoreOptions(doBackups),
        ...snapshots.map((s) => ({
          id: `snapshot:${s.id}`,
          kind: "snapshot" as const,
          label: s.name,
          createdAt: s.createdAt,
          bytes: Math.round(s.sizeGb * 1024 ** 3),
        })),
        ...archiveRuns
          .filter((r) => r.complete)
          .map((r) => ({
            id: `archive:${r.runId}`,
            kind: "archive-run" as const,
            label: `${r.plan} ${r.runId}`,
            createdAt: r.createdAt,
            bytes: r.bytes,
          })),
      ].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    },

    /**
     * A snapshot is restored as a NEW droplet beside the original (never over it). Archive runs
     * need SSH to the droplet, which the Slack function does not hold: they are restored with
     * the CLI (`lifeboat restore`), and this says so instead of pretending.
     */
    async startRestore(request) {
      const [kind, id] = request.optionId.split(/:(.*)/s);
      if ((kind === "backup" || kind === "backup-in-place") && id)
        return startBackupRestore(droplets, request.droplet, kind, id);
      if (kind !== "snapshot" || !id) {
        throw new Error(
          `archive runs are restored over SSH with the CLI: npm run lifeboat -- restore ${request.droplet} ${id ?? request.optionId}`,
        );
      }
      const [original] = await droplets.findDroplets({ name: request.droplet });
      if (!original) throw new Error(`droplet ${request.droplet} not found`);
      const name = `${request.droplet}-restored-${new Date().toISOString().slice(0, 10)}`;
      const created = await droplets.createDropletFromSnapshot({
        name,
        snapshotId: id,
        region: original.region,
        sizeSlug: original.sizeSlug,
      });
      return { restoreId: `droplet-${created.id}` };
    },
  };
}
