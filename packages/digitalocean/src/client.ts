/**
 * `DigitalOceanClient`: lifeboat's `DropletApi` over dots-wrapper, with the rate budget,
 * retries and pending-event handling of `retry.ts`. Every method is one logical call (lists
 * follow every page).
 */
import type {
  Account,
  BackupPolicy,
  CreatedDroplet,
  Droplet,
  DropletAction,
  DropletApi,
  DropletBackup,
  DropletBackupPolicy,
  DropletFirewall,
  DropletFirewallSpec,
  DropletSelector,
  DropletSize,
  DropletSnapshot,
  Firewall,
  FirewallSpec,
  Image,
  ImageAction,
} from "@lifeboat/core";
import { type Clock, systemClock } from "./clock";
import { DigitalOceanError } from "./errors";
import { createDots, createHttpClient, type Dots } from "./http";
import {
  dropletFirewallBody,
  firewallRules,
  firewallRulesKey,
  toAccount,
  toAction,
  toBackup,
  toBackupPolicy,
  toDroplet,
  toDropletFirewall,
  toFirewall,
  toImage,
  toImageAction,
  toSize,
  toSnapshot,
} from "./mapping";
import { type BudgetLimits, type RateBudget, sharedBudget } from "./rate-budget";
import {
  type Answer,
  type CallSpec,
  type ClientLogEvent,
  callWithRetries,
  defaultRetryLimits,
  type RetryLimits,
} from "./retry";

export interface DigitalOceanClientOptions {
  token: string;
  /** Default `https://api.digitalocean.com/v2`; the sandbox's `url` in tests. */
  endpoint?: string;
  /** Default the system clock; tests pass the sandbox's virtual clock. */
  clock?: Clock;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
  retry?: Partial<RetryLimits>;
  /** Budget limits, used when this process creates the token's budget. */
  budgetLimits?: BudgetLimits;
  /** Default: the process-wide budget of this token. */
  budget?: RateBudget;
  /** How often to look at an in-flight action after a 422 pending event, and for how long. */
  pendingEvent?: { pollMs: number; timeoutMs: number };
  /** Where retries, 429s and recoveries are reported. The token never appears in them. */
  log?: (event: ClientLogEvent) => void;
  random?: () => number;
}

export interface ClientStats {
  /** Requests sent (retries included). */
  requests: number;
  /** 429 answers received (each one retried after the wait). */
  rateLimited: number;
  retries: number;
}

const PER_PAGE = 200;
/** DO documents no limit on the resources of one tag request; 50 keeps a refused request small. */
const TAG_RESOURCES_PER_REQUEST = 50;
/** An action found after a failed POST counts as ours if it started this close to our try. */
const RECOVERY_WINDOW_MS = 120_000;

// biome-ignore lint/suspicious/noExplicitAny: DO JSON; mapping.ts gives it lifeboat's types
type Json = any;

/**
 * @example
 * const api = new DigitalOceanClient({ token: process.env.DIGITALOCEAN_TOKEN! });
 * const [gitlab] = await api.findDroplets({ name: "gitlab" });
 * const action = await api.shutdown(gitlab.id);
 */
export class DigitalOceanClient implements DropletApi {
  readonly stats: ClientStats = { requests: 0, rateLimited: 0, retries: 0 };
  private readonly dots: Dots;
  private readonly env;
  private readonly pendingEvent: { pollMs: number; timeoutMs: number };
  /** Actions this client started: a recovery never adopts one of them twice. */
  private readonly ownActions = new Set<number>();

  constructor(options: DigitalOceanClientOptions) {
    if (!options.token) throw new Error("DigitalOcean token is empty: set DIGITALOCEAN_TOKEN (see README)");
    const endpoint = options.endpoint ?? "https://api.digitalocean.com/v2";
    const clock = options.clock ?? systemClock;
    const budget = options.budget ?? sharedBudget(endpoint, options.token, clock, options.budgetLimits);
    const stats = this.stats;
    const http = createHttpClient({
      endpoint,
      token: options.token,
      timeoutMs: options.timeoutMs ?? 15_000,
      budget,
      clock,
      counters: stats,
    });
    this.dots = createDots(http, endpoint, options.token);
    this.pendingEvent = options.pendingEvent ?? { pollMs: 15_000, timeoutMs: 3_600_000 };
    this.env = {
      clock,
      budget,
      token: options.token,
      limits: { ...defaultRetryLimits, ...options.retry },
      random: options.random ?? Math.random,
      log: options.log ?? (() => undefined),
      counters: stats,
      http,
    };
  }

  private call<T>(spec: CallSpec<T>): Promise<Answer<T>> {
    return callWithRetries(this.env, spec);
  }

  /** Every page of a list, following `links.pages.next` until it is absent. */
  private async allPages(
    operation: string,
    key: string | ((data: Json) => Json[]),
    page: (n: number) => Promise<Answer<Json>>,
  ) {
    return (await this.pagesWithin(operation, key, page, Number.POSITIVE_INFINITY)) as Json[];
  }

  /** The same, or undefined when the first page's `meta.total` says it takes more than `maxPages` pages. */
  private async pagesWithin(
    operation: string,
    key: string | ((data: Json) => Json[]),
    page: (n: number) => Promise<Answer<Json>>,
    maxPages: number,
  ): Promise<Json[] | undefined> {
    const items: Json[] = [];
    let n = 1;
    for (;;) {
      const current = n;
      const res = await this.call({ operation, send: () => page(current) });
      const total: unknown = res.data?.meta?.total;
      if (current === 1 && typeof total === "number" && Math.ceil(total / PER_PAGE) > maxPages) return undefined;
      items.push(...((typeof key === "string" ? res.data?.[key] : key(res.data)) ?? []));
      const next: unknown = res.data?.links?.pages?.next;
      if (typeof next !== "string") return items;
      const following = Number(new URL(next).searchParams.get("page"));
      if (!(following > n)) return items; // a next link that does not move on would loop forever
      n = following;
    }
  }

  async findDroplets(selector: DropletSelector): Promise<Droplet[]> {
    if ("id" in selector) return [await this.getDroplet(selector.id)];
    if ("tag" in selector) return this.listDropletsByTag(selector.tag);
    const found = await this.dropletsNamed(selector.name);
    if (found.length === 0) {
      throw new DigitalOceanError({
        kind: "api",
        operation: "find droplets by name",
        status: 404,
        doId: "not_found",
        detail: `no droplet is named "${selector.name}"; check the name in lifeboat.config.ts against the DigitalOcean control panel`,
      });
    }
    return found.map(toDroplet);
  }

  /** Every droplet with this name, as DO returns it. */
  private dropletsNamed(name: string): Promise<Json[]> {
    // dots-wrapper's listDroplets has no `name` filter; DO's API does (exact, case-insensitive).
    return this.allPages("find droplets by name", "droplets", (page) =>
      this.env.http.get("/droplets", { params: { name, page, per_page: PER_PAGE } }),
    );
  }

  async getDroplet(dropletId: number): Promise<Droplet> {
    const res = await this.call({
      operation: "read",
      dropletId,
      send: () => this.dots.droplet.getDroplet({ droplet_id: dropletId }),
    });
    return toDroplet((res.data as Json).droplet);
  }

  async listDropletsByTag(tag: string): Promise<Droplet[]> {
    const list = await this.allPages(`list droplets tagged ${tag}`, "droplets", (page) =>
      this.dots.droplet.listDroplets({ tag_name: tag, page, per_page: PER_PAGE }),
    );
    return list.map(toDroplet);
  }

  shutdown(dropletId: number): Promise<DropletAction> {
    return this.act(dropletId, "shutdown", () => this.dots.droplet.shutdownDroplet({ droplet_id: dropletId }));
  }

  powerOff(dropletId: number): Promise<DropletAction> {
    return this.act(dropletId, "power_off", () => this.dots.droplet.powerOffDroplet({ droplet_id: dropletId }));
  }

  powerOn(dropletId: number): Promise<DropletAction> {
    return this.act(dropletId, "power_on", () => this.dots.droplet.powerOnDroplet({ droplet_id: dropletId }));
  }

  snapshot(dropletId: number, name: string): Promise<DropletAction> {
    return this.act(dropletId, "snapshot", () => this.dots.droplet.snapshotDroplet({ droplet_id: dropletId, name }));
  }

  /** An action POST: never repeated if the failed try created the action. */
  private async act(dropletId: number, type: string, send: () => Promise<Answer<unknown>>) {
    const res = await this.call<Json>({
      operation: type,
      dropletId,
      send: send as () => Promise<Answer<Json>>,
      recover: async (since) => {
        const created = await this.recentAction(dropletId, (a) => {
          return (
            a.type === type && Date.parse(a.started_at) >= since - RECOVERY_WINDOW_MS && !this.ownActions.has(a.id)
          );
        });
        return created ? ({ data: { action: created } } as Answer<Json>) : undefined;
      },
      waitForPendingEvent: () => this.waitForInFlightAction(dropletId),
    });
    const action = toAction(res.data.action);
    this.ownActions.add(action.id);
    return action;
  }

  async lastCompletedAction(dropletId: number, types: readonly string[]): Promise<DropletAction | undefined> {
    const found = await this.recentAction(dropletId, (a) => types.includes(a.type) && a.status === "completed");
    return found ? toAction(found) : undefined;
  }

  async listActions(page: number): Promise<{ actions: DropletAction[]; more: boolean }> {
    const res = await this.call<Json>({
      operation: "list actions",
      send: () => this.dots.action.listActions({ page, per_page: PER_PAGE }),
    });
    const actions = ((res.data.actions ?? []) as Json[]).filter((a) => a.resource_type === "droplet").map(toAction);
    return { actions, more: typeof res.data?.links?.pages?.next === "string" };
  }

  /** The newest of the droplet's actions that matches (first page, newest first). */
  private async recentAction(dropletId: number, match: (a: Json) => boolean): Promise<Json | undefined> {
    const res = await this.call<Json>({
      operation: "list actions of",
      dropletId,
      send: () => this.dots.droplet.listDropletActions({ droplet_id: dropletId, page: 1, per_page: 50 }),
    });
    return ((res.data.actions ?? []) as Json[]).find(match);
  }

  private async waitForInFlightAction(dropletId: number): Promise<void> {
    const { clock } = this.env;
    const deadline = clock.now() + this.pendingEvent.timeoutMs;
    const inFlight = await this.recentAction(dropletId, (a) => a.status === "in-progress");
    if (!inFlight) return clock.sleep(this.pendingEvent.pollMs);
    while (clock.now() < deadline) {
      await clock.sleep(this.pendingEvent.pollMs);
      if ((await this.getAction(Number(inFlight.id))).status !== "in-progress") return;
    }
    throw new DigitalOceanError({
      kind: "timeout",
      operation: "wait for the pending event of",
      dropletId,
      detail: `action ${inFlight.id} (${inFlight.type}) was still in progress after ${Math.round(this.pendingEvent.timeoutMs / 60_000)} min`,
    });
  }

  async getAction(actionId: number): Promise<DropletAction> {
    const res = await this.call<Json>({
      operation: `read action ${actionId}`,
      send: () => this.dots.action.getAction({ action_id: actionId }),
    });
    return toAction(res.data.action);
  }

  async listDropletSnapshots(dropletId: number): Promise<DropletSnapshot[]> {
    const list = await this.allPages(`list snapshots of droplet ${dropletId}`, "snapshots", (page) =>
      this.dots.droplet.listDropletSnapshots({ droplet_id: dropletId, page, per_page: PER_PAGE }),
    );
    return list.map((s) => toSnapshot(s, dropletId));
  }

  async listSnapshots(): Promise<DropletSnapshot[]> {
    const list = await this.allPages("list snapshots", "snapshots", (page) =>
      this.dots.snapshot.listSnapshots({ resource_type: "droplet", page, per_page: PER_PAGE }),
    );
    return list.map((s) => toSnapshot(s));
  }

  async listSnapshotsWithin(maxPages: number): Promise<DropletSnapshot[] | undefined> {
    const list = await this.pagesWithin(
      "list snapshots",
      "snapshots",
      (page) => this.dots.snapshot.listSnapshots({ resource_type: "droplet", page, per_page: PER_PAGE }),
      maxPages,
    );
    return list?.map((s) => toSnapshot(s));
  }

  async deleteSnapshot(snapshotId: string): Promise<void> {
    try {
      await this.call({
        operation: `delete snapshot ${snapshotId}`,
        send: () => this.dots.snapshot.deleteSnapshot({ snapshot_id: encodeURIComponent(snapshotId) }),
      });
    } catch (error) {
      // A retry after a lost answer finds the snapshot already gone: that is the outcome we wanted.
      // `attempts` counts only tries that may have reached DO (5xx, network), not 429s, which
      // DO refused unseen: a 404 after those alone means the snapshot was gone before we asked.
      if (error instanceof DigitalOceanError && error.status === 404 && (error.attempts ?? 1) > 1) {
        this.env.log({
          event: "recovered",
          operation: `delete snapshot ${snapshotId}`,
          reason: "HTTP 404 after a try whose answer was lost: already deleted",
        });
        return;
      }
      throw error;
    }
  }

  async ensureTag(tag: string): Promise<void> {
    await this.call({ operation: `create tag ${tag}`, send: () => this.dots.tag.createTag({ name: tag }) });
  }

  tagDroplets(tag: string, dropletIds: number[]): Promise<void> {
    return this.tagging("tag", tag, dropletIds);
  }

  untagDroplets(tag: string, dropletIds: number[]): Promise<void> {
    return this.tagging("untag", tag, dropletIds);
  }

  /** Assigning or removing a tag is idempotent, so a retried request is safe. */
  private async tagging(op: "tag" | "untag", tag: string, dropletIds: number[]): Promise<void> {
    for (let i = 0; i < dropletIds.length; i += TAG_RESOURCES_PER_REQUEST) {
      const ids = dropletIds.slice(i, i + TAG_RESOURCES_PER_REQUEST);
      const request = {
        tag_name: encodeURIComponent(tag),
        resources: ids.map((id) => ({ resource_id: String(id), resource_type: "droplet" })),
      };
      await this.call({
        operation: `${op} ${tag}`,
        ...(ids.length === 1 ? { dropletId: ids[0] } : {}),
        send: () => (op === "tag" ? this.dots.tag.tagResources(request) : this.dots.tag.untagResources(request)),
      });
    }
  }

  async deleteTag(tag: string): Promise<void> {
    await this.call({
      operation: `delete tag ${tag}`,
      send: () => this.dots.tag.deleteTag({ tag_name: encodeURIComponent(tag) }),
    });
  }

  async createDropletFromSnapshot(options: {
    name: string;
    snapshotId: string;
    region: string;
    sizeSlug: string;
    sshKeys?: Array<string | number>;
    tags?: string[];
    userData?: string;
  }): Promise<CreatedDroplet> {
    const since = this.env.clock.now();
    const tags = options.tags ?? [];
    const res = await this.call<Json>({
      operation: `create droplet ${options.name} from snapshot ${options.snapshotId}`,
      send: () =>
        this.dots.droplet.createDroplet({
          name: options.name,
          region: options.region,
          size: options.sizeSlug,
          image: Number(options.snapshotId) as never,
          ssh_keys: options.sshKeys as never,
          ...(tags.length > 0 ? { tags } : {}),
          ...(options.userData !== undefined ? { user_data: options.userData } : {}),
        }),
      // Creating twice would leave a second, billed droplet: look for the first one by name,
      // made since this call began and carrying the tags asked for (a same-named droplet
      // without them is someone else's).
      recover: async () => {
        const found = await this.dropletsNamed(options.name);
        const created = found.find(
          (d) =>
            Date.parse(d.created_at) >= since - RECOVERY_WINDOW_MS &&
            tags.every((t) => ((d.tags ?? []) as string[]).includes(t)),
        );
        if (!created) return undefined;
        const action = await this.recentAction(Number(created.id), (a) => a.type === "create");
        return { data: { droplet: created, links: { actions: action ? [{ id: action.id }] : [] } } } as Answer<Json>;
      },
    });
    const createActionId = Number(res.data.links?.actions?.[0]?.id);
    return {
      ...toDroplet(res.data.droplet),
      ...(Number.isInteger(createActionId) ? { createActionId } : {}),
    };
  }

  async destroyDroplet(dropletId: number): Promise<void> {
    const operation = `destroy droplet ${dropletId}`;
    try {
      await this.call({ operation, dropletId, send: () => this.dots.droplet.deleteDroplet({ droplet_id: dropletId }) });
    } catch (error) {
      // Gone already (a retry after a lost answer, or destroyed by someone else): the outcome we wanted.
      if (error instanceof DigitalOceanError && error.status === 404) {
        if ((error.attempts ?? 1) > 1) {
          this.env.log({
            event: "recovered",
            operation,
            dropletId,
            reason: "HTTP 404 after a try whose answer was lost",
          });
        }
        return;
      }
      throw error;
    }
  }

  async listSizes(): Promise<DropletSize[]> {
    const list = await this.allPages("list sizes", "sizes", (page) =>
      this.dots.size.listSizes({ page, per_page: PER_PAGE }),
    );
    return list.map(toSize);
  }

  async getAccount(): Promise<Account> {
    const res = await this.call<Json>({ operation: "read the account", send: () => this.dots.account.getAccount() });
    return toAccount(res.data.account);
  }

  async countDroplets(): Promise<number> {
    // One page of one droplet: DO counts them all in `meta.total`.
    const res = await this.call<Json>({
      operation: "count droplets",
      send: () => this.env.http.get("/droplets", { params: { page: 1, per_page: 1 } }),
    });
    const total = res.data?.meta?.total;
    if (typeof total !== "number") {
      throw new DigitalOceanError({
        kind: "api",
        operation: "count droplets",
        detail: "the droplet listing has no meta.total",
      });
    }
    return total;
  }

  /**
   * One list call when the firewall is there and right; a create (after making sure its tag
   * exists) when it is missing; a PUT of the whole firewall when what it lets through differs.
   */
  async ensureFirewall(spec: FirewallSpec): Promise<Firewall> {
    const wanted = { name: spec.name, ...firewallRules(spec) };
    const found = await this.firewallNamed(spec.name);
    if (!found) {
      await this.ensureTag(spec.tag);
      const res = await this.call<Json>({
        operation: `create firewall ${spec.name}`,
        send: () => this.dots.firewall.createFirewall(wanted as never),
        // A second firewall of the same name would be made on a retry: look for the first.
        recover: async () => {
          const made = await this.firewallNamed(spec.name);
          return made ? ({ data: { firewall: made } } as Answer<Json>) : undefined;
        },
      });
      return toFirewall(res.data.firewall, spec.tag);
    }
    if (firewallRulesKey(found) === firewallRulesKey(wanted)) return toFirewall(found, spec.tag);
    const res = await this.call<Json>({
      operation: `update firewall ${spec.name}`,
      // A PUT replaces the firewall whole: droplets someone added by id stay.
      send: () =>
        this.dots.firewall.updateFirewall({ id: found.id, droplet_ids: found.droplet_ids ?? [], ...wanted } as never),
    });
    return toFirewall(res.data.firewall, spec.tag);
  }

  async createDropletFirewall(spec: DropletFirewallSpec): Promise<DropletFirewall> {
    const res = await this.call<Json>({
      operation: `create firewall ${spec.name}`,
      send: () => this.dots.firewall.createFirewall(dropletFirewallBody(spec) as never),
      // A retry would make a second firewall of the same name: look for the first.
      recover: async () => {
        const made = await this.firewallNamed(spec.name);
        return made ? ({ data: { firewall: made } } as Answer<Json>) : undefined;
      },
    });
    return toDropletFirewall(res.data.firewall);
  }

  async listFirewalls(): Promise<DropletFirewall[]> {
    const list = await this.allPages("list firewalls", "firewalls", (page) =>
      this.dots.firewall.listFirewalls({ page, per_page: PER_PAGE }),
    );
    return list.map(toDropletFirewall);
  }

  async deleteFirewall(firewallId: string): Promise<void> {
    try {
      await this.call({
        operation: `delete firewall ${firewallId}`,
        send: () => this.dots.firewall.deleteFirewall({ firewall_id: firewallId }),
      });
    } catch (error) {
      // Gone already (a retry after a lost answer, or deleted by someone else): the outcome we wanted.
      if (error instanceof DigitalOceanError && error.status === 404) return;
      throw error;
    }
  }

  private async firewallNamed(name: string): Promise<Json | undefined> {
    const list = await this.allPages("list firewalls", "firewalls", (page) =>
      this.dots.firewall.listFirewalls({ page, per_page: PER_PAGE }),
    );
    return list.find((f) => f.name === name);
  }

  async listBackupPolicies(): Promise<DropletBackupPolicy[]> {
    // `policies` is a map keyed by droplet id on each page, not a list.
    const list = await this.allPages(
      "list backup policies",
      (data) => Object.values((data?.policies ?? {}) as Record<string, Json>),
      (page) => this.env.http.get("/droplets/backups/policies", { params: { page, per_page: PER_PAGE } }),
    );
    return list.map(toBackupPolicy);
  }

  enableBackups(dropletId: number, policy: BackupPolicy): Promise<DropletAction> {
    return this.act(dropletId, "enable_backups", () =>
      this.env.http.post(`/droplets/${dropletId}/actions`, { type: "enable_backups", backup_policy: policy }),
    );
  }

  changeBackupPolicy(dropletId: number, policy: BackupPolicy): Promise<DropletAction> {
    return this.act(dropletId, "change_backup_policy", () =>
      this.env.http.post(`/droplets/${dropletId}/actions`, { type: "change_backup_policy", backup_policy: policy }),
    );
  }

  disableBackups(dropletId: number): Promise<DropletAction> {
    return this.act(dropletId, "disable_backups", () =>
      this.env.http.post(`/droplets/${dropletId}/actions`, { type: "disable_backups" }),
    );
  }

  async listDropletBackups(dropletId: number): Promise<DropletBackup[]> {
    const list = await this.allPages(`list backups of droplet ${dropletId}`, "backups", (page) =>
      this.dots.droplet.listDropletBackups({ droplet_id: dropletId, page, per_page: PER_PAGE }),
    );
    return list.map((b) => toBackup(b, dropletId));
  }

  restoreDroplet(dropletId: number, backupId: string): Promise<DropletAction> {
    return this.act(dropletId, "restore", () =>
      this.env.http.post(`/droplets/${dropletId}/actions`, { type: "restore", image: Number(backupId) }),
    );
  }

  async getImage(imageId: string): Promise<Image> {
    const res = await this.call<Json>({
      operation: `read image ${imageId}`,
      send: () => this.env.http.get(`/images/${encodeURIComponent(imageId)}`),
    });
    return toImage(res.data.image);
  }

  /** A PUT of the name alone: repeating it after a lost answer sets the same name again. */
  async renameImage(imageId: string, name: string): Promise<Image> {
    const res = await this.call<Json>({
      operation: `rename image ${imageId}`,
      send: () => this.env.http.put(`/images/${encodeURIComponent(imageId)}`, { name }),
    });
    return toImage(res.data.image);
  }

  convertImage(imageId: string): Promise<ImageAction> {
    return this.imageAct(imageId, { type: "convert" });
  }

  transferImage(imageId: string, region: string): Promise<ImageAction> {
    return this.imageAct(imageId, { type: "transfer", region });
  }

  /** An image action POST: a retry after a lost answer adopts the action that try started. */
  private async imageAct(imageId: string, body: { type: string; region?: string }): Promise<ImageAction> {
    const path = `/images/${encodeURIComponent(imageId)}/actions`;
    const res = await this.call<Json>({
      operation: `${body.type} image ${imageId}${body.region ? ` to ${body.region}` : ""}`,
      send: () => this.env.http.post(path, body),
      recover: async (since) => {
        const listed = await this.env.http.get(path, { params: { page: 1, per_page: 50 } });
        const created = ((listed.data?.actions ?? []) as Json[]).find(
          (a) =>
            a.type === body.type &&
            (body.region === undefined || (a.region_slug ?? a.region?.slug ?? a.region) === body.region) &&
            Date.parse(a.started_at) >= since - RECOVERY_WINDOW_MS,
        );
        return created ? ({ data: { action: created } } as Answer<Json>) : undefined;
      },
    });
    return toImageAction(res.data.action, imageId);
  }

  async getImageAction(imageId: string, actionId: number): Promise<ImageAction> {
    const res = await this.call<Json>({
      operation: `read action ${actionId} of image ${imageId}`,
      send: () => this.env.http.get(`/images/${encodeURIComponent(imageId)}/actions/${actionId}`),
    });
    return toImageAction(res.data.action, imageId);
  }
}
