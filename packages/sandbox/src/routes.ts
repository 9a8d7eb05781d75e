/**
 * Every DigitalOcean path lifeboat uses (the operations of `openapi.yaml`, by operationId), as
 * handlers over the sandbox state.
 */
import {
  type BackupPolicyChoice,
  nextBackupWindow,
  readBackupPolicy,
  renderPolicyRecord,
  renderSupportedPolicies,
} from "./backups";
import type { Fault } from "./faults";
import { firewallCopy, newFirewallBase, readFirewall, recordFirewallChange } from "./firewalls";
import { startImageAction } from "./images";
import {
  paginate,
  renderAccount,
  renderAction,
  renderDroplet,
  renderDropletSnapshot,
  renderFirewall,
  renderImage,
  renderImageAction,
  renderSize,
  renderSnapshot,
  renderTag,
} from "./render";
import { SANDBOX_SIZES, sizeBySlug } from "./sizes";
import type { SandboxDroplet, SandboxState } from "./state";

export interface RouteContext {
  state: SandboxState;
  url: URL;
  params: Record<string, string>;
  body: unknown;
  /** Faults that change what the handler does (action-errored, shutdown-stays-on). */
  faults: Fault[];
}

export interface RouteResult {
  status: number;
  body?: unknown;
  /** A 204 that DO sends with `content-type` all the same (the spec's `no_content_with_content_type`). */
  contentTypeWithoutBody?: boolean;
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  operationId: string;
  handle(ctx: RouteContext): RouteResult;
}

export const doError = (status: number, id: string, message: string): RouteResult => ({
  status,
  body: { id, message },
});

const unprocessable = (message: string) => doError(422, "unprocessable_entity", message);
const notFound = () => doError(404, "not_found", "The resource you were accessing could not be found.");
const TAG = /^[a-zA-Z0-9_\-:]{1,255}$/;

/** Actions the by-id endpoint accepts (the spec's list); lifeboat uses the power ones, snapshot and backups. */
const ACTION_TYPES = new Set([
  "enable_backups",
  "disable_backups",
  "change_backup_policy",
  "restore",
  "reboot",
  "power_cycle",
  "shutdown",
  "power_off",
  "power_on",
  "password_reset",
  "enable_ipv6",
  "snapshot",
]);
const TAG_ACTION_TYPES = new Set(["power_cycle", "power_on", "power_off", "shutdown", "snapshot"]);

function dropletOf(ctx: RouteContext): SandboxDroplet | undefined {
  const id = Number(ctx.params.droplet_id);
  return Number.isInteger(id) ? ctx.state.droplets.get(id) : undefined;
}

function renderOne(state: SandboxState, d: SandboxDroplet) {
  const snapshotIds = [...state.snapshots.values()].filter((s) => s.dropletId === d.id).map((s) => s.id);
  const backupIds = [...state.backups.values()].filter((b) => b.dropletId === d.id).map((b) => b.id);
  return renderDroplet(d, snapshotIds, state.inFlightAction(d.id) !== undefined, {
    ids: backupIds,
    nextWindow: d.backups ? nextBackupWindow(d.backups.policy, state.now()) : null,
  });
}

/** The request body of a droplet action, as the sandbox reads it. */
interface ActionBody {
  name?: string;
  backup_policy?: unknown;
  image?: unknown;
}

/**
 * What a backup action needs beyond the pending-event rule: its policy (enable, change) or its
 * backup (restore); DO's 422 when the droplet's backups are not in the state the action needs.
 */
function backupActionExtra(
  state: SandboxState,
  droplet: SandboxDroplet,
  type: string,
  body: ActionBody,
): RouteResult | { backupPolicy?: BackupPolicyChoice; image?: number } {
  switch (type) {
    case "enable_backups":
    case "change_backup_policy": {
      if (type === "enable_backups" && droplet.backups)
        return unprocessable("Backups are already enabled for this Droplet.");
      if (type === "change_backup_policy" && !droplet.backups) {
        return unprocessable("Backups are not enabled for this Droplet: enable them first (enable_backups).");
      }
      if (type === "change_backup_policy" && body.backup_policy === undefined)
        return unprocessable("backup_policy is required.");
      const policy = readBackupPolicy(body.backup_policy);
      return typeof policy === "string" ? unprocessable(policy) : { backupPolicy: policy };
    }
    case "disable_backups":
      return droplet.backups ? {} : unprocessable("Backups are not enabled for this Droplet.");
    case "restore": {
      const backup = state.backups.get(Number(body.image));
      if (!backup || backup.dropletId !== droplet.id) {
        return unprocessable(
          `Image ${String(body.image)} is not a backup of this Droplet; restore takes one of its own backups.`,
        );
      }
      return { image: backup.id };
    }
    default:
      return {};
  }
}

function startAction(ctx: RouteContext, droplet: SandboxDroplet, type: string, body: ActionBody = {}): RouteResult {
  if (ctx.state.inFlightAction(droplet.id)) {
    return doError(422, "unprocessable_entity", "Droplet already has a pending event.");
  }
  const name = body.name;
  if (type === "snapshot" && name !== undefined && name.trim() === "") {
    return doError(422, "unprocessable_entity", "Name can't be blank.");
  }
  const extra = backupActionExtra(ctx.state, droplet, type, body);
  if ("status" in extra) return extra;
  const errored = ctx.faults.some((f) => f.kind === "action-errored");
  const staysOn = type === "shutdown" && ctx.faults.some((f) => f.kind === "shutdown-stays-on");
  const action = ctx.state.startAction(droplet.id, type, ctx.state.durationOf(type, droplet), {
    outcome: errored ? "errored" : "completed",
    snapshotName: type === "snapshot" ? name : undefined, // unnamed: state.ts names it on the virtual clock
    leavesDropletOn: staysOn,
    ...extra,
  });
  return { status: 201, body: { action: renderAction(action, droplet.region) } };
}

/** The action body's fields the sandbox reads, with their JSON types checked. */
function actionBody(body: unknown): ActionBody {
  const b = (body ?? {}) as Record<string, unknown>;
  return {
    ...(typeof b.name === "string" ? { name: b.name } : {}),
    ...(b.backup_policy !== undefined ? { backup_policy: b.backup_policy } : {}),
    ...(b.image !== undefined ? { image: b.image } : {}),
  };
}

function route(method: string, path: string, operationId: string, handle: Route["handle"]): Route {
  const names: string[] = [];
  const pattern = new RegExp(
    `^${path.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return "([^/]+)";
    })}$`,
  );
  return { method, pattern, names, operationId, handle };
}

export const routes: Route[] = [
  route("GET", "/v2/droplets", "droplets_list", ({ state, url }) => {
    const tag = url.searchParams.get("tag_name");
    const name = url.searchParams.get("name")?.toLowerCase();
    const list = [...state.droplets.values()]
      .filter((d) => (tag ? d.tags.includes(tag) : true))
      .filter((d) => (name ? d.name.toLowerCase() === name : true))
      .map((d) => renderOne(state, d));
    return { status: 200, body: paginate("droplets", list, url) };
  }),
  route("POST", "/v2/droplets", "droplets_create", createDroplet),
  route("GET", "/v2/droplets/{droplet_id}", "droplets_get", (ctx) => {
    const d = dropletOf(ctx);
    return d ? { status: 200, body: { droplet: renderOne(ctx.state, d) } } : notFound();
  }),
  route("DELETE", "/v2/droplets/{droplet_id}", "droplets_destroy", (ctx) => {
    const d = dropletOf(ctx);
    return d && ctx.state.destroyDroplet(d.id) ? { status: 204, contentTypeWithoutBody: true } : notFound();
  }),
  route("GET", "/v2/account", "account_get", ({ state }) => ({ status: 200, body: renderAccount(state.account) })),
  route("GET", "/v2/sizes", "sizes_list", ({ url }) => ({
    status: 200,
    body: paginate("sizes", SANDBOX_SIZES.map(renderSize), url),
  })),
  route("GET", "/v2/firewalls", "firewalls_list", ({ state, url }) => ({
    status: 200,
    body: paginate("firewalls", [...state.firewalls.values()].map(renderFirewall), url),
  })),
  route("POST", "/v2/firewalls", "firewalls_create", ({ state, body }) => {
    const read = readFirewall(body, newFirewallBase(state, state.now()));
    if ("status" in read) return read;
    for (const tag of read.tags) state.tags.add(tag);
    state.firewalls.set(read.id, read);
    recordFirewallChange(state, "created", read);
    return { status: 202, body: { firewall: renderFirewall(read) } };
  }),
  route("GET", "/v2/firewalls/{firewall_id}", "firewalls_get", ({ state, params }) => {
    const f = state.firewalls.get(params.firewall_id!);
    return f ? { status: 200, body: { firewall: renderFirewall(f) } } : notFound();
  }),
  route("PUT", "/v2/firewalls/{firewall_id}", "firewalls_update", ({ state, params, body }) => {
    const f = state.firewalls.get(params.firewall_id!);
    if (!f) return notFound();
    // A PUT replaces the whole firewall (DO: "must include a full representation").
    const read = readFirewall(body, { id: f.id, createdAt: f.createdAt });
    if ("status" in read) return read;
    for (const tag of read.tags) state.tags.add(tag);
    state.firewalls.set(read.id, read);
    recordFirewallChange(state, "updated", read);
    return { status: 200, body: { firewall: renderFirewall(read) } };
  }),
  route("DELETE", "/v2/firewalls/{firewall_id}", "firewalls_delete", ({ state, params }) => {
    const f = state.firewalls.get(params.firewall_id!);
    if (!f) return notFound();
    state.firewalls.delete(f.id);
    recordFirewallChange(state, "deleted", f);
    return { status: 204 };
  }),
  route("GET", "/v2/droplets/{droplet_id}/backups", "droplets_list_backups", (ctx) => {
    const d = dropletOf(ctx);
    if (!d) return notFound();
    const list = [...ctx.state.backups.values()]
      .filter((b) => b.dropletId === d.id)
      .map((b) => renderDropletSnapshot(b, "backup"));
    return { status: 200, body: paginate("backups", list, ctx.url) };
  }),
  route("GET", "/v2/droplets/{droplet_id}/backups/policy", "droplets_get_backup_policy", (ctx) => {
    const d = dropletOf(ctx);
    return d ? { status: 200, body: { policy: renderPolicyRecord(d, ctx.state.now()) } } : notFound();
  }),
  route("GET", "/v2/droplets/backups/policies", "droplets_list_backup_policies", ({ state, url }) => {
    // A page of records, then DO's shape: a map keyed by droplet id.
    const records = [...state.droplets.values()]
      .sort((a, b) => a.id - b.id)
      .map((d) => renderPolicyRecord(d, state.now()));
    const page = paginate("policies", records, url);
    const policies = Object.fromEntries((page.policies as typeof records).map((p) => [String(p.droplet_id), p]));
    return { status: 200, body: { ...page, policies } };
  }),
  route("GET", "/v2/droplets/backups/supported_policies", "droplets_list_supported_backup_policies", () => ({
    status: 200,
    body: renderSupportedPolicies(),
  })),
  route("GET", "/v2/droplets/{droplet_id}/snapshots", "droplets_list_snapshots", (ctx) => {
    const d = dropletOf(ctx);
    if (!d) return notFound();
    const list = [...ctx.state.snapshots.values()]
      .filter((s) => s.dropletId === d.id)
      .map((s) => renderDropletSnapshot(s));
    return { status: 200, body: paginate("snapshots", list, ctx.url) };
  }),
  route("GET", "/v2/droplets/{droplet_id}/actions", "dropletActions_list", (ctx) => {
    const d = dropletOf(ctx);
    if (!d) return notFound();
    // Newest first, as DO lists them.
    const list = [...ctx.state.actions.values()]
      .filter((a) => a.dropletId === d.id)
      .sort((a, b) => b.id - a.id)
      .map((a) => renderAction(a, d.region));
    return { status: 200, body: paginate("actions", list, ctx.url) };
  }),
  route("POST", "/v2/droplets/{droplet_id}/actions", "dropletActions_post", (ctx) => {
    const d = dropletOf(ctx);
    if (!d) return notFound();
    const b = (ctx.body ?? {}) as { type?: unknown };
    if (typeof b.type !== "string" || !ACTION_TYPES.has(b.type)) {
      return doError(422, "unprocessable_entity", `Action type '${String(b.type)}' is not supported by the sandbox.`);
    }
    return startAction(ctx, d, b.type, actionBody(ctx.body));
  }),
  route("POST", "/v2/droplets/actions", "dropletActions_post_byTag", (ctx) => {
    const tag = ctx.url.searchParams.get("tag_name");
    const b = (ctx.body ?? {}) as { type?: unknown; name?: unknown };
    if (!tag) return doError(422, "unprocessable_entity", "tag_name is required.");
    if (typeof b.type !== "string" || !TAG_ACTION_TYPES.has(b.type)) {
      return doError(422, "unprocessable_entity", `Action type '${String(b.type)}' cannot be used by tag.`);
    }
    const actions = [];
    for (const d of ctx.state.droplets.values()) {
      if (!d.tags.includes(tag)) continue;
      const result = startAction(ctx, d, b.type, actionBody(ctx.body));
      if (result.status !== 201) return result;
      actions.push((result.body as { action: unknown }).action);
    }
    return { status: 201, body: { actions } };
  }),
  route("GET", "/v2/droplets/{droplet_id}/actions/{action_id}", "dropletActions_get", (ctx) => {
    const d = dropletOf(ctx);
    const a = ctx.state.actions.get(Number(ctx.params.action_id));
    return d && a && a.dropletId === d.id ? { status: 200, body: { action: renderAction(a, d.region) } } : notFound();
  }),
  // The account's actions are droplet and image actions alike, as DO lists them.
  route("GET", "/v2/actions", "actions_list", ({ state, url }) => {
    const list = [
      ...[...state.actions.values()].map((a) => ({
        id: a.id,
        json: renderAction(a, state.droplets.get(a.dropletId)?.region ?? "nyc3"),
      })),
      ...[...state.imageActions.values()].map((a) => ({ id: a.id, json: renderImageAction(a) })),
    ]
      .sort((a, b) => b.id - a.id)
      .map((a) => a.json);
    return { status: 200, body: paginate("actions", list, url) };
  }),
  route("GET", "/v2/actions/{action_id}", "actions_get", ({ state, params }) => {
    const a = state.actions.get(Number(params.action_id));
    if (a) return { status: 200, body: { action: renderAction(a, state.droplets.get(a.dropletId)?.region ?? "nyc3") } };
    const image = state.imageActions.get(Number(params.action_id));
    return image ? { status: 200, body: { action: renderImageAction(image) } } : notFound();
  }),
  route("GET", "/v2/snapshots", "snapshots_list", ({ state, url }) => {
    const type = url.searchParams.get("resource_type");
    // The sandbox has droplet snapshots only; a volume filter finds none.
    const list = type === "volume" ? [] : [...state.snapshots.values()].map(renderSnapshot);
    return { status: 200, body: paginate("snapshots", list, url) };
  }),
  route("GET", "/v2/snapshots/{snapshot_id}", "snapshots_get", ({ state, params }) => {
    const s = state.snapshots.get(Number(params.snapshot_id));
    return s ? { status: 200, body: { snapshot: renderSnapshot(s) } } : notFound();
  }),
  route("DELETE", "/v2/snapshots/{snapshot_id}", "snapshots_delete", ({ state, params }) => {
    const id = Number(params.snapshot_id);
    if (!state.snapshots.has(id)) return notFound();
    state.snapshots.delete(id);
    return { status: 204 };
  }),
  route("GET", "/v2/images/{image_id}", "images_get", ({ state, params }) => {
    const found = state.image(Number(params.image_id));
    return found ? { status: 200, body: { image: renderImage(found.image, found.type) } } : notFound();
  }),
  route("PUT", "/v2/images/{image_id}", "images_update", ({ state, params, body }) => {
    // Only the name: the description and distribution of custom images are not modelled.
    const found = state.image(Number(params.image_id));
    if (!found) return notFound();
    const name = (body as { name?: unknown } | undefined)?.name;
    if (typeof name !== "string" || name.trim() === "")
      return doError(422, "unprocessable_entity", "name is required.");
    found.image.name = name;
    return { status: 200, body: { image: renderImage(found.image, found.type) } };
  }),
  route("GET", "/v2/images/{image_id}/actions", "imageActions_list", ({ state, params, url }) => {
    const id = Number(params.image_id);
    if (!state.image(id) && ![...state.imageActions.values()].some((a) => a.imageId === id)) return notFound();
    // Newest first, as DO lists actions.
    const list = [...state.imageActions.values()]
      .filter((a) => a.imageId === id)
      .sort((a, b) => b.id - a.id)
      .map(renderImageAction);
    return { status: 200, body: paginate("actions", list, url) };
  }),
  route("POST", "/v2/images/{image_id}/actions", "imageActions_post", ({ state, params, body, faults }) =>
    startImageAction(state, Number(params.image_id), body, faults),
  ),
  route("GET", "/v2/images/{image_id}/actions/{action_id}", "imageActions_get", ({ state, params }) => {
    const a = state.imageActions.get(Number(params.action_id));
    return a && a.imageId === Number(params.image_id)
      ? { status: 200, body: { action: renderImageAction(a) } }
      : notFound();
  }),
  route("GET", "/v2/tags", "tags_list", ({ state, url }) => {
    const list = [...state.tags].sort().map((t) => renderTag(t, countTagged(state, t)));
    return { status: 200, body: paginate("tags", list, url) };
  }),
  route("POST", "/v2/tags", "tags_create", ({ state, body }) => {
    const name = (body as { name?: unknown } | undefined)?.name;
    if (typeof name !== "string" || !TAG.test(name)) {
      return { status: 400, body: { error: "invalid tag name", messages: null, root_causes: ["invalid tag name"] } };
    }
    state.tags.add(name);
    return { status: 201, body: { tag: renderTag(name, countTagged(state, name)) } };
  }),
  route("GET", "/v2/tags/{tag_id}", "tags_get", ({ state, params }) => {
    const name = params.tag_id!;
    return state.tags.has(name)
      ? { status: 200, body: { tag: renderTag(name, countTagged(state, name)) } }
      : notFound();
  }),
  route("DELETE", "/v2/tags/{tag_id}", "tags_delete", ({ state, params }) => {
    const name = params.tag_id!;
    if (!state.tags.has(name)) return notFound();
    state.tags.delete(name);
    for (const d of state.droplets.values()) d.tags = d.tags.filter((t) => t !== name);
    return { status: 204 };
  }),
  route("POST", "/v2/tags/{tag_id}/resources", "tags_assign_resources", (ctx) => retag(ctx, true)),
  route("DELETE", "/v2/tags/{tag_id}/resources", "tags_unassign_resources", (ctx) => retag(ctx, false)),
];

/** DO's cloud-init limit on `user_data`. */
const USER_DATA_MAX_BYTES = 64 * 1024;

/**
 * `POST /v2/droplets` from a snapshot (the sandbox has no public images): refused as DO does
 * past the account's droplet limit, for a size the region lacks or whose disk is smaller than
 * the snapshot's, or for user data over 64 KiB. The droplet is `new` (no address yet) until its
 * create action ends (`createMs` + `createMsPerGb` × the snapshot's size); with the
 * `action-errored` fault that action ends `errored` and the droplet never becomes active.
 */
function createDroplet({ state, url, body, faults }: RouteContext): RouteResult {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.name !== "string" || typeof b.region !== "string" || typeof b.size !== "string") {
    return unprocessable("name, region and size are required.");
  }
  // A snapshot or a backup (DO makes a new droplet from either).
  const snapshot = state.image(Number(b.image))?.image;
  if (!snapshot) return unprocessable("You specified an invalid image for Droplet creation.");
  if (!snapshot.regions.includes(b.region)) {
    return unprocessable(`The image is not available in ${b.region}; transfer it there first.`);
  }
  const size = sizeBySlug(b.size);
  if (!size) return unprocessable("You specified an invalid size for Droplet creation.");
  if (!size.available || !size.regions.includes(b.region))
    return unprocessable("Size is not available in this region.");
  if (size.disk < snapshot.minDiskGb) {
    return unprocessable(
      `The image requires a disk of at least ${snapshot.minDiskGb} GB; ${size.slug} has ${size.disk} GB.`,
    );
  }
  const tags = Array.isArray(b.tags) ? b.tags.filter((t): t is string => typeof t === "string") : [];
  const badTag = tags.find((t) => !TAG.test(t));
  if (badTag !== undefined) return unprocessable(`Tag "${badTag}" is invalid: use letters, digits, "_", "-" and ":".`);
  const userData = typeof b.user_data === "string" ? b.user_data : undefined;
  if (userData !== undefined && Buffer.byteLength(userData) > USER_DATA_MAX_BYTES) {
    return unprocessable("user_data must not exceed 64 KiB.");
  }
  if (b.backups !== undefined && typeof b.backups !== "boolean") return unprocessable("backups must be true or false.");
  const backupPolicy = b.backups === true ? readBackupPolicy(b.backup_policy) : undefined;
  if (typeof backupPolicy === "string") return unprocessable(backupPolicy);
  if (state.droplets.size >= state.account.dropletLimit) {
    return unprocessable("creating this/these droplet(s) will exceed your droplet limit");
  }
  const droplet = state.addDroplet({
    name: b.name,
    region: b.region,
    sizeSlug: b.size,
    diskGb: size.disk,
    usedDiskGb: snapshot.sizeGb,
    status: "new",
    tags,
    ...(backupPolicy ? { backups: backupPolicy } : {}),
  });
  droplet.createdWith = {
    image: snapshot.id,
    tags: [...tags],
    ...(userData !== undefined ? { userData } : {}),
    firewalls: state.firewallsCovering(droplet).map(firewallCopy),
  };
  const errored = faults.some((f) => f.kind === "action-errored");
  const action = state.startAction(droplet.id, "create", state.durationOf("create", droplet), {
    outcome: errored ? "errored" : "completed",
  });
  return {
    status: 202,
    body: {
      droplet: renderOne(state, droplet),
      // An absolute URL, as DO sends it (the spec's action_link.href is format: uri).
      links: { actions: [{ id: action.id, rel: "create", href: new URL(`/v2/actions/${action.id}`, url).href }] },
    },
  };
}

function countTagged(state: SandboxState, tag: string): number {
  return [...state.droplets.values()].filter((d) => d.tags.includes(tag)).length;
}

function retag(ctx: RouteContext, add: boolean): RouteResult {
  const name = ctx.params.tag_id!;
  if (!ctx.state.tags.has(name)) return notFound();
  const resources = (ctx.body as { resources?: Array<{ resource_id?: unknown; resource_type?: unknown }> })?.resources;
  if (!Array.isArray(resources)) return doError(422, "unprocessable_entity", "resources is required.");
  for (const r of resources) {
    if (r.resource_type !== "droplet") continue;
    const d = ctx.state.droplets.get(Number(r.resource_id));
    if (!d) return notFound();
    const has = d.tags.includes(name);
    if (add && !has) d.tags.push(name);
    if (!add && has) d.tags = d.tags.filter((t) => t !== name);
  }
  return { status: 204 };
}

/** Finds the route for a request; `undefined` when the sandbox does not serve that path. */
export function matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.names.forEach((n, i) => {
      params[n] = decodeURIComponent(m[i + 1]!);
    });
    return { route: r, params };
  }
  return undefined;
}
