/**
 * Image actions: `convert` (a backup becomes a snapshot, which outlives its droplet) and
 * `transfer` (a copy in another region, done after a time proportional to the image's size;
 * the `action-errored` fault makes it end `errored` without the region). Effects are applied
 * by `SandboxState.settle` when the action's time comes.
 */
import type { Fault } from "./faults";
import { renderImageAction } from "./render";
import type { RouteResult } from "./routes";
import { ALL_REGIONS } from "./sizes";
import type { SandboxState } from "./state";

const unprocessable = (message: string): RouteResult => ({
  status: 422,
  body: { id: "unprocessable_entity", message },
});

export function startImageAction(state: SandboxState, imageId: number, body: unknown, faults: Fault[]): RouteResult {
  const found = state.image(imageId);
  if (!found)
    return { status: 404, body: { id: "not_found", message: "The resource you were accessing could not be found." } };
  const b = (body ?? {}) as { type?: unknown; region?: unknown };
  const outcome = faults.some((f) => f.kind === "action-errored") ? "errored" : "completed";
  const { image } = found;
  const busy = [...state.imageActions.values()].some((a) => a.imageId === imageId && a.status === "in-progress");
  if (b.type === "convert") {
    if (found.type !== "backup") return unprocessable("Only a backup can be converted to a snapshot.");
    if (busy) return unprocessable("Image already has a pending event.");
    const action = state.startImageAction(
      imageId,
      "convert",
      image.regions[0] ?? "nyc3",
      state.timings.convertMs,
      outcome,
    );
    return { status: 201, body: { action: renderImageAction(action) } };
  }
  if (b.type === "transfer") {
    // DO keeps backups in the droplet's datacenter: only a snapshot travels.
    if (found.type === "backup")
      return unprocessable("A backup cannot be transferred: convert it to a snapshot first.");
    if (typeof b.region !== "string" || !ALL_REGIONS.includes(b.region)) {
      return unprocessable(`region must be a region slug (${ALL_REGIONS.join(", ")}), not ${String(b.region)}.`);
    }
    if (image.regions.includes(b.region)) return unprocessable(`The image is already available in ${b.region}.`);
    const inFlight = [...state.imageActions.values()].some(
      (a) => a.imageId === imageId && a.status === "in-progress" && a.type === "transfer" && a.region === b.region,
    );
    if (inFlight) return unprocessable(`The image is already being transferred to ${b.region}.`);
    const t = state.timings;
    const duration = Math.max(t.transferMinMs, Math.round(image.sizeGb * t.transferMsPerGb));
    const action = state.startImageAction(imageId, "transfer", b.region, duration, outcome);
    return { status: 201, body: { action: renderImageAction(action) } };
  }
  return unprocessable(`Image action type '${String(b.type)}' is not supported: use convert or transfer.`);
}
