/** `/lifeboat drill <droplet> [plan]` through the real Bolt handler: who may, what starts, what is refused. */
import type { LifeboatConfig } from "@lifeboat/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { statusView } from "../../../packages/slack/src/commands/views";
import { apiGatewayEvent, slashBody } from "./fakes/requests";
import { BACKUP_FUNCTION, type SlackWorld, slackWorld } from "./fakes/setup";

let world: SlackWorld;
let sampleConfig: LifeboatConfig;
beforeAll(async () => {
  world = await slackWorld();
  sampleConfig = world.deps.config;
});
afterEach(() => {
  world.deps.config = sampleConfig;
});
afterAll(() => world.close());

const APPROVER = "U0LIFEBOAT1";
const OUTSIDER = "U0OUTSIDER";

async function command(text: string, user = APPROVER) {
  const res = await world.handler(apiGatewayEvent(slashBody(text, user, world.slack.responseUrl("cmd"))), {});
  expect(res?.statusCode).toBe(200);
  return JSON.parse(res?.body || "{}") as { response_type: string; text: string };
}

/** The ack says it is looking; the deferred half answers through response_url. */
async function deferred(text: string, user = APPROVER) {
  const ack = await command(text, user);
  expect(ack).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("looking it up") });
  const before = world.slack.calls.length;
  await world.runLastDeferred();
  const posted = world.slack.calls.slice(before).filter((c) => c.method === "response_url");
  expect(posted).toHaveLength(1);
  return posted[0]!.body as { response_type: string; text: string };
}

const drillsStarted = () => world.aws.invocations.filter((i) => i.functionName === BACKUP_FUNCTION);

/** The sample config with nightly taking live snapshots too: gitlab is then in two plans that can be drilled. */
function nightlySnapshots(): LifeboatConfig {
  const config = structuredClone(sampleConfig);
  const nightly = config.plans.find((p) => p.name === "nightly");
  if (!nightly) throw new Error("the sample config has no nightly plan");
  nightly.snapshot.mode = "live";
  return config;
}

describe("/lifeboat drill", () => {
  it("an approver's drill of a droplet starts backup-run with a DrillRequest under a drill id", async () => {
    const reply = await deferred("drill gitlab");
    expect(reply.response_type).toBe("in_channel");
    expect(reply.text).toMatch(
      /^<@U0LIFEBOAT1> started drill `weekly-20261129T101530Z-drill-[0-9a-f]{6}` of \*gitlab\* \(plan \*weekly\*\)/,
    );
    const drillId = reply.text.match(/`([^`]+)`/)?.[1];
    expect(world.aws.invocations.at(-1)).toEqual({
      functionName: BACKUP_FUNCTION,
      invocationType: "Event",
      durableExecutionName: drillId,
      payload: {
        kind: "drill",
        plan: "weekly",
        droplet: "gitlab",
        trigger: "slack",
        requestedBy: APPROVER,
        scheduledTime: "2026-11-29T10:15:30.000Z",
        runId: drillId,
      },
    });
  });

  it("a drill and a backup run of the same plan in the same second get different names", async () => {
    await deferred("drill gitlab weekly");
    const drill = world.aws.invocations.at(-1)?.durableExecutionName;
    await deferred("snapshot gitlab");
    const run = world.aws.invocations.at(-1)?.durableExecutionName;
    expect(drill).toMatch(/^weekly-20261129T101530Z-drill-/);
    expect(run).toMatch(/^weekly-20261129T101530Z-slack-/);
    expect(drill).not.toBe(run);
  });

  it("a non-approver is refused at once, with who may, and nothing starts", async () => {
    const started = drillsStarted().length;
    const deferrals = world.aws.invocations.length;
    const refused = await command("drill gitlab", OUTSIDER);
    expect(refused.response_type).toBe("ephemeral");
    expect(refused.text).toContain("only a plan's approvers may start a restore drill");
    expect(refused.text).toContain("<@U0OUTSIDER> approves no plan");
    const named = await command("drill gitlab weekly", OUTSIDER);
    expect(named.response_type).toBe("ephemeral");
    expect(named.text).toContain(
      'only the approvers of plan "weekly" (<@U0LIFEBOAT1>, <@U0LIFEBOAT2>) may start a restore drill',
    );
    // Not even deferred: no invocation of any function.
    expect(world.aws.invocations.length).toBe(deferrals);
    expect(drillsStarted().length).toBe(started);
    expect(world.logs.at(-1)).toContain("refused /lifeboat drill weekly from U0OUTSIDER: not an approver");
  });

  it("an approver of another plan only is refused, after the lookup, for the plan it picks", async () => {
    const config = structuredClone(sampleConfig);
    for (const plan of config.plans) {
      plan.snapshot.approval.approvers = plan.name === "weekly" ? ["U0LIFEBOAT2"] : [APPROVER];
    }
    world.deps.config = config;
    const started = drillsStarted().length;
    const reply = await deferred("drill gitlab");
    expect(reply.response_type).toBe("ephemeral");
    expect(reply.text).toContain('only the approvers of plan "weekly" (<@U0LIFEBOAT2>) may start a restore drill');
    expect(drillsStarted().length).toBe(started);
    expect(world.logs.at(-1)).toContain("refused /lifeboat drill gitlab from U0LIFEBOAT1: not an approver of weekly");
  });

  it("an unknown droplet, a droplet in no plan and one without snapshots get a clear message; nothing starts", async () => {
    const started = drillsStarted().length;
    const unknown = await deferred("drill gitlab-2");
    expect(unknown.text).toContain('no droplet named "gitlab-2" on this account');
    expect(unknown.text).toContain("/lifeboat drill <droplet> [plan]");
    expect((await deferred("drill web-1")).text).toContain('droplet "web-1" is in no lifeboat plan');
    expect((await deferred("drill drone")).text).toContain(
      'no plan of "drone" takes snapshots (its plans: nightly), so there is no snapshot to drill',
    );
    expect((await deferred("drill drone weekly")).text).toContain(
      'droplet "drone" is not in plan "weekly"; it is in: nightly',
    );
    expect(drillsStarted().length).toBe(started);
  });

  it("an unknown plan is named at once, with the plans there are", async () => {
    const ack = await command("drill gitlab monthly");
    expect(ack.text).toContain('no plan named "monthly" in lifeboat.config.ts; the plans are: weekly, nightly');
    expect(ack.text).toContain("/lifeboat drill <droplet> [plan]");
  });

  it("a droplet in several plans that take snapshots: asks for the plan, then drills the one named", async () => {
    world.deps.config = nightlySnapshots();
    const started = drillsStarted().length;
    const ask = await deferred("drill gitlab");
    expect(ask.text).toContain(
      '"gitlab" is in several plans that take snapshots (weekly, nightly); name the plan to drill',
    );
    expect(ask.text).toContain("/lifeboat drill <droplet> [plan]");
    expect(drillsStarted().length).toBe(started);
    const reply = await deferred("drill gitlab weekly");
    expect(reply.text).toContain("started drill");
    expect(world.aws.invocations.at(-1)?.payload).toMatchObject({ kind: "drill", plan: "weekly", droplet: "gitlab" });
  });

  it("help lists drill; a third name or a flag is refused with the usage", async () => {
    expect((await command("help")).text).toContain("/lifeboat drill <droplet> [plan]");
    expect((await command("drill gitlab weekly extra")).text).toContain("`drill` takes at most 2 names");
    expect((await command("drill gitlab --keep")).text).toContain("`drill` has no option --keep");
    expect((await command("drill")).text).toContain("`drill` needs a droplet name");
  });
});

describe("/lifeboat status with drills", () => {
  it("labels a running drill as a restore drill", () => {
    const view = statusView(
      [
        {
          plan: "weekly",
          scheduleEnabled: true,
          running: [
            {
              runId: "weekly-20261129T040000Z-drill",
              plan: "weekly",
              kind: "drill",
              status: "running",
              startedAt: "2026-11-29T04:00:00Z",
            },
          ],
        },
      ],
      new Date("2026-11-29T04:10:00Z"),
    );
    expect(JSON.stringify(view.blocks)).toContain(
      ":arrows_counterclockwise: restore drill `weekly-20261129T040000Z-drill` running, started 10m ago",
    );
  });
});
