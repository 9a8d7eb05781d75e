/** A droplet job's progress in the run's thread: the parent message updated per poll, dropped once the job is over. */
import type { EventOf, LifeboatEvent } from "@lifeboat/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parentMessage } from "../../../packages/slack/src/report/render";
import { applyEvent, emptyRunState, type RunState } from "../../../packages/slack/src/report/state";
import { delivery, RUN } from "./fakes/events";
import { reportHandler } from "./fakes/report-setup";
import { type SlackServer, startSlackServer } from "./fakes/slack-server";

const GB = 1e9;
const at = (minute: number, second = 0) =>
  `2026-11-29T03:${String(minute).padStart(2, "0")}:${String(second).padStart(2, "0")}Z`;
const base = (droplet: string, when: string) => ({ runId: RUN, plan: "weekly", droplet, at: when });

const started: LifeboatEvent = {
  ...base("*", at(0)),
  type: "run.started",
  trigger: "schedule",
  droplets: ["gitlab", "drone"],
};

function poll(
  droplet: string,
  when: string,
  bytesDone: number,
  more: Partial<EventOf<"archive.progress">> = {},
): EventOf<"archive.progress"> {
  return {
    ...base(droplet, when),
    type: "archive.progress",
    job: "archive",
    item: "volume gitlab-data",
    bytesDone,
    bytesExpected: 30 * GB,
    rate: 25e6,
    etaSeconds: (30 * GB - bytesDone) / 25e6,
    elapsedSeconds: 60,
    ...more,
  };
}

const stored = (when: string): LifeboatEvent => ({
  ...base("gitlab", when),
  type: "archive.stored",
  kind: "volume",
  name: "gitlab-data",
  key: "lifeboat/weekly/gitlab/volume-gitlab-data.tar",
  bytes: 30 * GB,
  sha256: "c".repeat(64),
});

/** The parent message's droplet lines, as a reader sees them. */
function dropletLines(state: RunState): string[] {
  const blocks = parentMessage(state).blocks as Array<{ text?: { text: string } }>;
  return (blocks[1]?.text?.text ?? "").split("\n");
}

const apply = (events: LifeboatEvent[]) => events.reduce(applyEvent, emptyRunState(RUN, "weekly"));

describe("report state of a job's progress", () => {
  it("shows the latest poll on the droplet's line, and drops it once the archive is stored", () => {
    const polled = apply([started, poll("gitlab", at(1), 1.2 * GB), poll("drone", at(1, 5), 0, { item: undefined })]);
    expect(dropletLines(polled)).toEqual([
      ":hourglass_flowing_sand: *drone* — archiving: 0 B of 30 GB (0%), 25 MB/s, about 20m left",
      ":hourglass_flowing_sand: *gitlab* — archiving: volume gitlab-data: 1.2 GB of 30 GB (4%), 25 MB/s, about 19m 12s left",
    ]);
    const later = applyEvent(polled, poll("gitlab", at(2), 2.7 * GB, { rate: undefined, etaSeconds: undefined }));
    expect(dropletLines(later)[1]).toBe(
      ":hourglass_flowing_sand: *gitlab* — archiving: volume gitlab-data: 2.7 GB of 30 GB (9%)",
    );
    const done = applyEvent(later, stored(at(20)));
    expect(dropletLines(done)).toEqual([
      ":hourglass_flowing_sand: *drone* — archiving: 0 B of 30 GB (0%), 25 MB/s, about 20m left",
      ":hourglass_flowing_sand: *gitlab* — archiving (1 stored)",
    ]);
    // Polls are not kept as seen: one per poll would push the other events out of the window.
    expect(done.seen).toHaveLength(2);
  });

  it("ignores a poll delivered after a newer one, or after the event that ended its job", () => {
    const newer = apply([started, poll("gitlab", at(2), 2.7 * GB)]);
    expect(applyEvent(newer, poll("gitlab", at(1), 1.2 * GB))).toEqual(newer);
    const ended = applyEvent(newer, stored(at(20)));
    expect(applyEvent(ended, poll("gitlab", at(19, 59), 29 * GB))).toEqual(ended);
    expect(applyEvent(ended, poll("gitlab", at(20), 29 * GB))).toEqual(ended);
    // The next job of the droplet shows again.
    const duplicity = applyEvent(ended, poll("gitlab", at(21), 5e6, { job: "duplicity", item: undefined }));
    expect(dropletLines(duplicity)[1]).toBe(
      ":hourglass_flowing_sand: *gitlab* — duplicity backup running: 5.0 MB of 30 GB (0%), 25 MB/s, about 20m left",
    );
  });

  it("keeps a stored event that arrives before an older poll, and ends every job when the run ends", () => {
    const early = apply([started, stored(at(20)), poll("gitlab", at(19), 29 * GB)]);
    expect(dropletLines(early)[1]).toBe(":hourglass_flowing_sand: *gitlab* — archiving (1 stored)");
    const failed = apply([
      started,
      poll("gitlab", at(1), 1.2 * GB),
      poll("drone", at(1), 2.4 * GB),
      { ...base("*", at(3)), type: "run.failed", phase: "plan", error: "x", recovery: "y" },
    ]);
    expect(dropletLines(failed).join("\n")).not.toContain("GB of 30 GB");
  });

  it("escapes the item, so a name from the droplet cannot mention the channel", () => {
    const state = apply([started, poll("gitlab", at(1), 0, { item: "volume <!channel>&co" })]);
    expect(dropletLines(state)[1]).toContain("volume &lt;!channel&gt;&amp;co: 0 B");
  });
});

describe("report thread of a job's progress (loopback Slack API)", () => {
  let slack: SlackServer;
  let logs: string[];
  beforeEach(async () => {
    slack = await startSlackServer();
    logs = [];
  });
  afterEach(() => slack.close());

  const parentText = () => JSON.stringify(slack.messages[0]?.blocks ?? []);
  const methodsSince = (n: number) => slack.calls.slice(n).map((c) => c.method);

  it("updates the run's message once per poll, posts nothing new, and drops the progress once stored", async () => {
    const report = reportHandler(slack, logs);
    await report(delivery(started));
    const parentTs = slack.messages[0]?.ts;

    let before = slack.calls.length;
    await report(delivery(poll("gitlab", at(1), 1.2 * GB)));
    expect(methodsSince(before)).toEqual(["conversations.history", "chat.update"]);
    expect(slack.calls.at(-1)?.body.ts).toBe(parentTs);
    expect(parentText()).toContain(
      "*gitlab* — archiving: volume gitlab-data: 1.2 GB of 30 GB (4%), 25 MB/s, about 19m 12s left",
    );

    before = slack.calls.length;
    await report(delivery(poll("gitlab", at(2), 2.7 * GB)));
    expect(methodsSince(before)).toEqual(["conversations.history", "chat.update"]);
    expect(parentText()).toContain("volume gitlab-data: 2.7 GB of 30 GB (9%)");

    // A repeated delivery and a poll older than the one shown change nothing: no update.
    before = slack.calls.length;
    await report(delivery(poll("gitlab", at(2), 2.7 * GB)));
    await report(delivery(poll("gitlab", at(1, 30), 2 * GB)));
    expect(methodsSince(before)).toEqual(["conversations.history", "conversations.history"]);
    expect(parentText()).toContain("volume gitlab-data: 2.7 GB of 30 GB (9%)");

    await report(delivery(stored(at(20))));
    expect(parentText()).toContain("*gitlab* — archiving (1 stored)");
    expect(parentText()).not.toContain("GB of 30 GB");

    // Only the parent: every other message is a reply, and no poll posted one.
    expect(slack.messages).toHaveLength(1);
    const metadata = slack.messages[0]?.metadata as { event_payload: { state: string } };
    expect((JSON.parse(metadata.event_payload.state) as RunState).droplets.gitlab?.job).toBeUndefined();
  });

  it("starts the thread from a poll with one message, and no update after it", async () => {
    const report = reportHandler(slack, logs);
    await report(delivery(poll("gitlab", at(1), 1.2 * GB)));
    expect(methodsSince(0)).toEqual(["conversations.history", "chat.postMessage"]);
    expect(parentText()).toContain("volume gitlab-data: 1.2 GB of 30 GB (4%)");
  });
});
