/**
 * The DropletApi as the progress view sees it: every call goes to the real client unchanged,
 * and what it started or saw (an action, a droplet's status) is reported to `watch`. This is
 * how the live view shows action status between the routine's events.
 */
import type { Droplet, DropletAction, DropletApi } from "@lifeboat/core";

export interface ApiWatcher {
  /** Droplets the routine found (id → name). */
  found(droplets: Droplet[]): void;
  /** An action was started or looked at. */
  action(action: DropletAction): void;
  /** A snapshot was started under this name (before `action` reports its action). */
  snapshotStarted(dropletId: number, name: string, action: DropletAction): void;
  /** A droplet's status was read. */
  status(dropletId: number, status: string): void;
}

const ACTIONS = new Set(["shutdown", "powerOff", "powerOn", "snapshot", "getAction"]);
const FINDS = new Set(["findDroplets", "listDropletsByTag"]);

/** @example const api = observedApi(client, view) // pass `api` to the routine */
export function observedApi(api: DropletApi, watch: ApiWatcher): DropletApi {
  return new Proxy(api, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function" || typeof key !== "string") return value;
      return async (...args: unknown[]) => {
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (key === "snapshot") watch.snapshotStarted(args[0] as number, args[1] as string, result as DropletAction);
        if (ACTIONS.has(key)) watch.action(result as DropletAction);
        else if (FINDS.has(key)) watch.found(result as Droplet[]);
        else if (key === "getDroplet") {
          const d = result as Droplet;
          watch.found([d]);
          watch.status(d.id, d.status);
        }
        return result;
      };
    },
  });
}
