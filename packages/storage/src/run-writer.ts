/**
 * The writer handed to @lifeboat/remote for one run on one droplet: it turns (kind, file
 * name) into the layout's key and streams into the sink.
 */
import type { Readable } from "node:stream";
import { archiveKey } from "./layout";
import type { Sink, StoredObject } from "./sink";

export interface RunWriter {
  putArchive(kind: "image" | "volume", fileName: string, body: Readable): Promise<StoredObject>;
}

/**
 * @example const writer = runWriter(sink, { droplet: "web-1", runId }); await archiveVolumes(session, writer, …)
 */
export function runWriter(sink: Sink, run: { droplet: string; runId: string }): RunWriter {
  return {
    putArchive: (kind, fileName, body) => sink.put(archiveKey(run.droplet, run.runId, kind, fileName), body),
  };
}
