/**
 * `/lifeboat verify` through the real Bolt handler: it starts `backup-run` with a VerifyRequest
 * (reading archives back takes longer than the Slack function may run) and says where the
 * result will be; a plan or no target at once, a droplet after looking it up.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCommand } from "../../../packages/slack/src/commands/parse";
import { apiGatewayEvent, slashBody } from "./fakes/requests";
import { BACKUP_FUNCTION, SLACK_FUNCTION, type SlackWorld, slackWorld } from "./fakes/setup";

let world: SlackWorld;
beforeAll(async () => {
  world = await slackWorld();
});
afterAll(() => world.close());

const USER = "U0OUTSIDER";

async function command(text: string) {
  const res = await world.handler(apiGatewayEvent(slashBody(text, USER, world.slack.responseUrl("cmd"))), {});
  expect(res?.statusCode).toBe(200);
  return JSON.parse(res?.body || "{}") as { response_type: string; text: string };
}

const verifiesStarted = () => world.aws.invocations.filter((i) => i.functionName === BACKUP_FUNCTION);
const deferrals = () => world.aws.invocations.filter((i) => i.functionName === SLACK_FUNCTION).length;

/** The deferred half's answers, through response_url. */
async function runDeferred() {
  const before = world.slack.calls.length;
  await world.runLastDeferred();
  return world.slack.calls
    .slice(before)
    .filter((c) => c.method === "response_url")
    .map((c) => c.body as { response_type: string; text: string });
}

describe("/lifeboat verify", () => {
  it("a plan: starts backup-run with a VerifyRequest at once, and says where the result will be; nothing deferred", async () => {
    const deferred = deferrals();
    const ack = await command("verify nightly --read-data=0.1");
    expect(ack.response_type).toBe("in_channel");
    expect(ack.text).toMatch(
      /^<@U0OUTSIDER> is verifying the backups of \*nightly\*, reading back 10% of the archives as `verify-20261129T101530Z-[0-9a-f]{6}`: I'll post the result in a thread in <#C0LIFEBOAT> when it is done\.$/,
    );
    const verifyId = ack.text.match(/`([^`]+)`/)?.[1];
    expect(world.aws.invocations.at(-1)).toEqual({
      functionName: BACKUP_FUNCTION,
      invocationType: "Event",
      durableExecutionName: verifyId,
      payload: {
        kind: "verify",
        target: "nightly",
        readData: 0.1,
        trigger: "slack",
        requestedBy: USER,
        scheduledTime: "2026-11-29T10:15:30.000Z",
        runId: verifyId,
      },
    });
    // Nothing ran in the Slack function: no deferred invocation, no lookup.
    expect(deferrals()).toBe(deferred);
  });

  it("no target: every plan, bare --read-data reads all", async () => {
    const ack = await command("verify --read-data");
    expect(ack.text).toContain("is verifying every plan's backups, reading back 100% of the archives");
    expect(verifiesStarted().at(-1)?.payload).toEqual({
      kind: "verify",
      readData: 1,
      trigger: "slack",
      requestedBy: USER,
      scheduledTime: "2026-11-29T10:15:30.000Z",
      runId: expect.stringMatching(/^verify-20261129T101530Z-[0-9a-f]{6}$/),
    });
  });

  it("a droplet: looked up first (deferred), then started; the answer says where the result will be", async () => {
    const ack = await command("verify drone");
    expect(ack).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("looking it up") });
    const started = verifiesStarted().length;
    const posted = await runDeferred();
    expect(posted).toHaveLength(1);
    expect(posted[0]!.response_type).toBe("in_channel");
    expect(posted[0]!.text).toContain(
      "<@U0OUTSIDER> is verifying the backups of *drone* (manifests, sizes, duplicity chain, latest snapshot) as `verify-",
    );
    expect(verifiesStarted()).toHaveLength(started + 1);
    expect(verifiesStarted().at(-1)?.payload).toMatchObject({ kind: "verify", target: "drone", readData: 0 });
  });

  it("an unknown target is a problem naming the plans, with the usage; nothing starts", async () => {
    await command("verify nope");
    const started = verifiesStarted().length;
    const posted = await runDeferred();
    expect(posted[0]!.text).toContain('"nope" is neither a plan (weekly, nightly) nor a droplet');
    expect(posted[0]!.text).toContain("/lifeboat verify [plan|droplet] [--read-data[=FRACTION]]");
    expect(verifiesStarted()).toHaveLength(started);
  });

  it("the same request twice in one second is one verify; another reading is another", async () => {
    const a = (await command("verify weekly")).text.match(/`([^`]+)`/)?.[1];
    const b = (await command("verify weekly")).text.match(/`([^`]+)`/)?.[1];
    const c = (await command("verify weekly --read-data=0.5")).text.match(/`([^`]+)`/)?.[1];
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it("bad flags are refused before anything runs", () => {
    expect(parseCommand("verify --read-data=2")).toMatchObject({
      ok: false,
      problem: "`--read-data=FRACTION` takes a fraction from 0 to 1, e.g. 0.1",
    });
    expect(parseCommand("verify --prune")).toMatchObject({ ok: false, problem: "`verify` has no option --prune" });
    expect(parseCommand("verify a b")).toMatchObject({ ok: false });
    expect(parseCommand("verify")).toEqual({ ok: true, command: { name: "verify", readData: 0 } });
  });
});
