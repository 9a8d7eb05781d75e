/**
 * lifeboat's events to EventBridge: PutEvents on the default bus (or LIFEBOAT_EVENT_BUS),
 * source "lifeboat", detail-type = the event's `type`, detail = the event. PutEvents takes at
 * most 10 entries and can fail some of them while answering 200: `FailedEntryCount` is
 * checked and the failed entries retried, then reported as an error.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { EVENT_SOURCE, type EventSink, type LifeboatEvent } from "@lifeboat/core";

const MAX_ENTRIES = 10;
const ATTEMPTS = 3;

export class EventBridgeSink implements EventSink {
  constructor(
    private readonly client: Pick<EventBridgeClient, "send"> = new EventBridgeClient({}),
    private readonly busName: string | undefined = process.env.LIFEBOAT_EVENT_BUS,
  ) {}

  emit(event: LifeboatEvent): Promise<void> {
    return this.emitAll([event]);
  }

  /** Sends events in batches of 10; resolves when every entry is accepted, rejects naming the ones that were not. */
  async emitAll(events: readonly LifeboatEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      await this.putBatch(events.slice(i, i + MAX_ENTRIES).map((e) => this.entry(e)));
    }
  }

  private entry(event: LifeboatEvent): PutEventsRequestEntry {
    return {
      Source: EVENT_SOURCE,
      DetailType: event.type,
      Detail: JSON.stringify(event),
      Time: new Date(event.at),
      ...(this.busName ? { EventBusName: this.busName } : {}),
    };
  }

  private async putBatch(entries: PutEventsRequestEntry[]): Promise<void> {
    let pending = entries;
    let lastErrors: string[] = [];
    for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt++) {
      const answer = await this.client.send(new PutEventsCommand({ Entries: pending }));
      if (!answer.FailedEntryCount) return;
      const results = answer.Entries ?? [];
      const failed = pending.filter((_, j) => results[j]?.ErrorCode);
      lastErrors = failed.map((e, j) => {
        const r = results.filter((x) => x.ErrorCode)[j];
        return `${e.DetailType}: ${r?.ErrorCode} ${r?.ErrorMessage ?? ""}`.trim();
      });
      pending = failed;
    }
    if (pending.length > 0) {
      throw new Error(`EventBridge refused ${pending.length} event(s): ${lastErrors.join("; ")}`);
    }
  }
}
