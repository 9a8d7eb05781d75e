/** Every `/lifeboat` subcommand through the real Bolt handler, and its bad inputs. */
import { monthlyCost, PRICES } from "@lifeboat/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionBody, apiGatewayEvent, slashBody } from "./fakes/requests";
import { BACKUP_FUNCTION, type SlackWorld, slackWorld } from "./fakes/setup";

let world: SlackWorld;
beforeAll(async () => {
  world = await slackWorld();
});
afterAll(() => world.close());

const APPROVER = "U0LIFEBOAT1";
const OUTSIDER = "U0OUTSIDER";

/** Sends a slash command; returns the HTTP status and the ack's JSON. */
async function command(text: string, user = APPROVER) {
  const res = await world.handler(apiGatewayEvent(slashBody(text, user, world.slack.responseUrl("cmd"))), {});
  return { status: res?.statusCode, ack: JSON.parse(res?.body || "{}") as { response_type: string; text: string } };
}

/** A slow command: the ack says it is looking, the deferred run answers through response_url. */
async function deferred(text: string, user = APPROVER) {
  const { status, ack } = await command(text, user);
  expect(status).toBe(200);
  expect(ack).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("looking it up") });
  const before = world.slack.calls.length;
  await world.runLastDeferred();
  const posted = world.slack.calls.slice(before).filter((c) => c.method === "response_url");
  expect(posted).toHaveLength(1);
  return posted[0]!.body as { response_type: string; text: string; blocks?: unknown[] };
}

const blockText = (m: { text: string; blocks?: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

describe("/lifeboat help and bad input", () => {
  it("help lists every subcommand", async () => {
    const { ack } = await command("help");
    for (const sub of [
      "help",
      "status",
      "run",
      "snapshot",
      "list",
      "retention",
      "pause",
      "resume",
      "cost",
      "restore",
    ]) {
      expect(ack.text).toContain(`/lifeboat ${sub}`);
    }
    expect((await command("")).ack.text).toBe(ack.text);
  });

  it.each([
    ["reboot web-1", 'unknown subcommand "reboot"', "/lifeboat restore <droplet>"],
    ["list", "`list` needs a droplet name", "/lifeboat list <droplet>"],
    ["run", "`run` needs a plan name", "/lifeboat run <plan> [droplet]"],
    ["pause weekly nightly", "`pause` takes at most 1 name", "/lifeboat pause <plan>"],
    ["retention weekly --force", "`retention` has no option --force", "/lifeboat retention <plan> [--dry-run]"],
    [
      "status monthly",
      'no plan named "monthly" in lifeboat.config.ts; the plans are: weekly, nightly',
      "/lifeboat status [plan]",
    ],
    ["run monthly", 'no plan named "monthly"', "/lifeboat run <plan> [droplet]"],
    ["pause monthly", 'no plan named "monthly"', "/lifeboat pause <plan>"],
  ])("`%s` gets an ephemeral reply naming the problem and the usage", async (text, problem, usage) => {
    const invocations = world.aws.invocations.length;
    const { status, ack } = await command(text);
    expect(status).toBe(200);
    expect(ack.response_type).toBe("ephemeral");
    expect(ack.text).toContain(problem);
    expect(ack.text).toContain(usage);
    expect(world.aws.invocations.length).toBe(invocations);
  });
});

describe("/lifeboat run and snapshot", () => {
  it("run <plan> starts the durable function by its alias with an execution name", async () => {
    const { ack } = await command("run weekly");
    expect(ack.response_type).toBe("in_channel");
    expect(ack.text).toMatch(/started run `weekly-20261129T101530Z-slack-[0-9a-f]{6}` of plan \*weekly\*/);
    const runId = ack.text.match(/`(weekly-[^`]+)`/)?.[1];
    expect(world.aws.invocations.at(-1)).toEqual({
      functionName: BACKUP_FUNCTION,
      invocationType: "Event",
      durableExecutionName: runId,
      // The run reports under the id this answer shows (and `status` lists).
      payload: {
        plan: "weekly",
        trigger: "slack",
        requestedBy: APPROVER,
        scheduledTime: "2026-11-29T10:15:30.000Z",
        runId,
      },
    });
  });

  it("the same request twice in a second is one execution name; another request is another", async () => {
    await command("run weekly");
    await command("run weekly");
    await command("run weekly", "U0LIFEBOAT2");
    const names = world.aws.invocations.slice(-3).map((i) => i.durableExecutionName);
    expect(names[0]).toBe(names[1]);
    expect(names[2]).not.toBe(names[0]);
  });

  it("a non-approver may not start a run that powers droplets off", async () => {
    const invocations = world.aws.invocations.length;
    const { ack } = await command("run weekly", OUTSIDER);
    expect(ack.response_type).toBe("ephemeral");
    expect(ack.text).toContain('only the approvers of plan "weekly" (<@U0LIFEBOAT1>, <@U0LIFEBOAT2>) may start a run');
    expect(world.aws.invocations.length).toBe(invocations);
    expect(world.logs.at(-1)).toContain("refused /lifeboat run weekly from U0OUTSIDER");
  });

  it("anyone may run a plan that does not power off", async () => {
    const { ack } = await command("run nightly", OUTSIDER);
    expect(ack.text).toContain("started run `nightly-20261129T101530Z-slack-");
  });

  it("run <plan> <droplet> checks the droplet belongs to the plan, then starts", async () => {
    const reply = await deferred("run nightly drone", OUTSIDER);
    expect(reply.response_type).toBe("in_channel");
    expect(world.aws.invocations.at(-1)?.payload).toMatchObject({
      plan: "nightly",
      droplets: ["drone"],
      requestedBy: OUTSIDER,
    });

    const wrong = await deferred("run weekly drone");
    expect(wrong.text).toContain('droplet "drone" is not in plan "weekly"; it is in: nightly');
    expect(wrong.response_type).toBe("ephemeral");
  });

  it("snapshot <droplet> runs the one plan of it that takes snapshots", async () => {
    const reply = await deferred("snapshot gitlab");
    expect(reply.text).toContain("of plan *weekly* for gitlab");
    expect(world.aws.invocations.at(-1)).toMatchObject({
      functionName: BACKUP_FUNCTION,
      durableExecutionName: expect.stringMatching(/^weekly-20261129T101530Z-slack-[0-9a-f]{6}$/),
      payload: { plan: "weekly", droplets: ["gitlab"], trigger: "slack" },
    });
  });

  it("snapshot refuses outsiders, droplets without a snapshotting plan, and unknown droplets", async () => {
    const started = world.aws.invocations.filter((i) => i.functionName === BACKUP_FUNCTION).length;
    expect((await deferred("snapshot gitlab", OUTSIDER)).text).toContain('only the approvers of plan "weekly"');
    expect((await deferred("snapshot drone")).text).toContain('no plan of "drone" takes snapshots (plans: nightly)');
    expect((await deferred("snapshot web-1")).text).toContain('droplet "web-1" is in no lifeboat plan');
    const unknown = await deferred("snapshot gitlab-2");
    expect(unknown.text).toContain('no droplet named "gitlab-2"');
    expect(unknown.text).toContain("/lifeboat snapshot <droplet>");
    expect(world.aws.invocations.filter((i) => i.functionName === BACKUP_FUNCTION).length).toBe(started);
  });
});

describe("/lifeboat status, list, retention, cost", () => {
  it("status shows runs in progress, the last result and the schedule state per plan", async () => {
    const reply = await deferred("status");
    const text = blockText(reply);
    expect(text).toContain("`weekly-20261129T030000Z-schedule` running");
    expect(text).toContain("last: `weekly-20261122T030000Z-schedule` succeeded");
    expect(text).toContain("*nightly* (scheduled)");
    expect(text).toContain("no finished run yet");
    expect(world.aws.scheduleCalls.slice(-2)).toEqual([
      { action: "GetSchedule", name: "lifeboat-test-schedule-weekly" },
      { action: "GetSchedule", name: "lifeboat-test-schedule-nightly" },
    ]);
    expect(blockText(await deferred("status nightly"))).not.toContain("weekly");
  });

  it("list <droplet> shows snapshots and archive runs with sizes and ages", async () => {
    const text = blockText(await deferred("list gitlab"));
    expect(text).toContain("Snapshots (2)");
    expect(text).toContain("`lifeboat-weekly-gitlab-20261122T030000Z` 24.7 GB, 7d ago");
    // A snapshot with a copy in another region (snapshot.copyTo) names its regions.
    expect(text).toContain("`lifeboat-weekly-gitlab-20261115T030000Z` 24.1 GB, 14d ago, in nyc3, ams3");
    expect(text).toContain("`nightly-20261128T023000Z-schedule` (nightly) 7 items, 3.2 GB, 32h ago");
    expect(text).toContain("— *incomplete*");
    expect((await deferred("list nope")).text).toContain('no droplet named "nope" on this account');
  });

  it("retention --dry-run shows what is kept and would be deleted, and deletes nothing", async () => {
    const text = blockText(await deferred("retention weekly --dry-run", OUTSIDER));
    expect(text).toContain("Retention of weekly (dry run)");
    expect(text).toContain("keeps 1, would delete 1");
    expect(text).toContain("`lifeboat-weekly-gitlab-20260301T030000Z`");
    expect(world.memory.retentionApplied).toEqual([]);
  });

  it("retention without --dry-run deletes, for approvers only", async () => {
    const { ack } = await command("retention weekly", OUTSIDER);
    expect(ack.text).toContain("may apply retention (it deletes snapshots and archives)");
    expect(world.memory.retentionApplied).toEqual([]);
    const reply = await deferred("retention weekly");
    expect(reply.text).toContain("applied retention of weekly: deleted 1");
    expect(world.memory.retentionApplied).toEqual(["weekly"]);
  });

  it("cost shows core's monthlyCost per plan and in total", async () => {
    const text = blockText(await deferred("cost"));
    expect(text).toContain("*weekly*: 2 snapshots 48.8 GB = $2.93, archives 0.0 GB = $0.00; $2.93/month");
    expect(text).toContain("archives 30.0 GB = $0.69"); // 30 × 0.023
    expect(text).toContain("Total: $3.62 per month");
    expect(text).not.toContain("base charge");
  });

  it("cost in Spaces adds its $5 base charge, which covers the first 250 GB, as `lifeboat cost` does", async () => {
    world.memory.pricing.storage = "spaces";
    try {
      const reply = await deferred("cost");
      const text = blockText(reply);
      const expected = monthlyCost(world.memory.usage, PRICES.spaces);
      expect(expected.totalUsd).toBe(7.93); // $2.93 of snapshots + $5; 30 GB of archives are within 250
      expect(reply.text).toBe(`lifeboat storage: $${expected.totalUsd.toFixed(2)} per month`);
      expect(text).toContain("archives 30.0 GB = $0.00");
      expect(text).toContain("*spaces base charge*: $5.00/month");
      expect(text).toContain("Total: $7.93 per month");
      expect(text).toContain("beyond 250 GB included in $5.00/month");
    } finally {
      world.memory.pricing.storage = "s3";
    }
  });
});

describe("/lifeboat pause and resume", () => {
  it("pause disables the plan's schedule and resume enables it, changing nothing else", async () => {
    const deployed = { ...world.aws.schedules["lifeboat-test-schedule-weekly"] };
    const paused = await command("pause weekly", OUTSIDER);
    expect(paused.ack.response_type).toBe("in_channel");
    expect(paused.ack.text).toContain("paused plan *weekly*: its schedule `lifeboat-test-schedule-weekly` is off");
    // UpdateSchedule replaces the whole schedule: its zone, target and input must survive.
    expect(world.aws.schedules["lifeboat-test-schedule-weekly"]).toEqual({ ...deployed, State: "DISABLED" });
    expect(blockText(await deferred("status weekly"))).toContain("*weekly* (*paused*)");
    await command("resume weekly");
    expect(world.aws.schedules["lifeboat-test-schedule-weekly"]).toEqual(deployed);
    expect(world.aws.scheduleCalls.filter((c) => c.action === "UpdateSchedule").map((c) => c.name)).toEqual([
      "lifeboat-test-schedule-weekly",
      "lifeboat-test-schedule-weekly",
    ]);
    // Resuming a running schedule changes nothing.
    await command("resume weekly");
    expect(world.aws.scheduleCalls.filter((c) => c.action === "UpdateSchedule")).toHaveLength(2);
  });

  it("pause of a plan whose schedule is not deployed says so and changes nothing", async () => {
    const nightly = world.aws.schedules["lifeboat-test-schedule-nightly"];
    delete world.aws.schedules["lifeboat-test-schedule-nightly"];
    const updates = () => world.aws.scheduleCalls.filter((c) => c.action === "UpdateSchedule").length;
    const before = updates();
    try {
      const paused = await command("pause nightly", OUTSIDER);
      expect(paused.ack.text).toContain(
        "`/lifeboat pause nightly` failed and changed nothing: no schedule lifeboat-test-schedule-nightly in group default",
      );
      expect(updates()).toBe(before);
    } finally {
      if (nightly) world.aws.schedules["lifeboat-test-schedule-nightly"] = nightly;
    }
  });

  it("pause that Scheduler refuses names the call, the schedule and the reason, and changes nothing", async () => {
    const deployed = { ...world.aws.schedules["lifeboat-test-schedule-nightly"] };
    world.aws.deniedActions.add("UpdateSchedule");
    try {
      const paused = await command("pause nightly", OUTSIDER);
      expect(paused.ack.text).toContain(
        "`/lifeboat pause nightly` failed and changed nothing: EventBridge Scheduler UpdateSchedule lifeboat-test-schedule-nightly: AccessDeniedException: not authorized to perform: scheduler:UpdateSchedule",
      );
      expect(world.aws.schedules["lifeboat-test-schedule-nightly"]).toEqual(deployed);
    } finally {
      world.aws.deniedActions.delete("UpdateSchedule");
    }
  });
});

describe("/lifeboat restore", () => {
  const click = async (actionId: string, value: string, user = APPROVER) => {
    const before = world.slack.calls.length;
    const res = await world.handler(
      apiGatewayEvent(actionBody({ user, actionId, value, responseUrl: world.slack.responseUrl("restore") })),
      {},
    );
    expect(res?.statusCode).toBe(200);
    return world.slack.calls
      .slice(before)
      .filter((c) => c.method === "response_url")
      .map(
        (c) =>
          c.body as {
            text: string;
            replace_original?: boolean;
            blocks?: Array<{ elements?: Array<{ action_id: string; value: string }> }>;
          },
      );
  };

  it("lists what can be restored, asks for a confirmation, and starts only for an approver", async () => {
    const listing = await deferred("restore gitlab", OUTSIDER);
    const choose = JSON.stringify(listing.blocks).match(
      /"action_id":"(restore_choose:[^"]+)","text":\{[^}]+\},"value":"((?:[^"\\]|\\.)*)"/,
    );
    expect(choose).not.toBeNull();
    const [, actionId, escapedValue] = choose!;
    const value = JSON.parse(`"${escapedValue}"`) as string;

    const [confirm] = await click(actionId!, value, OUTSIDER);
    expect(confirm?.text).toContain("Restore snapshot lifeboat-weekly-gitlab-20261122T030000Z onto gitlab?");
    const confirmButton = confirm?.blocks?.[1]?.elements?.[0];
    expect(confirmButton?.action_id).toBe("restore_confirm");

    const [refused] = await click("restore_confirm", confirmButton!.value, OUTSIDER);
    expect(refused?.text).toContain("only the approvers of gitlab's plans (weekly, nightly) may restore it");
    expect(world.memory.restores).toEqual([]);

    const [started] = await click("restore_confirm", confirmButton!.value, APPROVER);
    expect(started?.text).toContain("started restore `restore-1`");
    expect(world.memory.restores).toEqual([{ droplet: "gitlab", optionId: "snap:119192817", requestedBy: APPROVER }]);

    const [cancelled] = await click("restore_cancel", "cancel");
    expect(cancelled).toMatchObject({ replace_original: true, text: "Restore cancelled; nothing was changed." });
  });
});
