/**
 * The time of a DigitalOcean endpoint, from the `Date` header of its answer. Against a
 * sped-up `lifeboat sandbox` the run's time is the sandbox's, not this machine's: two CLI
 * processes then stamp their droplet claims on one clock, and `lifeboat watchdog` measures a
 * droplet's downtime on the clock that the run that tagged it used.
 */
import { speedTime, type TimeBase } from "./run/time-base";

/**
 * A TimeBase that starts at the endpoint's time and runs `speed` times faster than the wall
 * clock; the wall clock sped up when the endpoint sends no usable Date (never fatal).
 * The token goes in a header, as the client sends it.
 */
export async function serverTime(endpoint: string, token: string, speed: number): Promise<TimeBase> {
  try {
    const res = await fetch(`${endpoint.replace(/\/$/, "")}/droplets?per_page=1`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    const realAt = Date.now();
    await res.body?.cancel();
    // HTTP dates have whole seconds: the middle of that second is the best guess.
    const serverAt = Date.parse(res.headers.get("date") ?? "") + 500;
    if (Number.isFinite(serverAt)) return speedTime(speed, () => serverAt + (Date.now() - realAt) * speed);
  } catch {
    // the first real call reports an endpoint that does not answer
  }
  return speedTime(speed);
}
