/** `/lifeboat verify` through the real Bolt handler: deferred, answered in the channel with the report. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCommand } from "../../../packages/slack/src/commands/parse";
import { apiGatewayEvent, slashBody } from "./fakes/requests";
import { type SlackWorld, slackWorld } from "./fakes/setup";

let world: SlackWorld;
beforeAll(async () => {
  world = await slackWorld();
});
afterAll(() => world.close());

async function verify(text: string) {
  const res = await world.handler(apiGatewayEvent(slashBody(text, "U0OUTSIDER", world.slack.responseUrl("cmd"))), {});
  const ack = JSON.parse(res?.body || "{}") as { text: string };
  const before = world.slack.calls.length;
  await world.runLastDeferred();
  const posted = world.slack.calls.slice(before).filter((c) => c.method === "response_url");
  return { ack, posted: posted.map((p) => p.body as { response_type: string; text: string }) };
}

describe("/lifeboat verify", () => {
  it("anyone may ask; the report names each broken item, in the channel, with the seed", async () => {
    const { ack, posted } = await verify("verify nightly --read-data=0.1");
    expect(ack.text).toContain("looking it up");
    expect(world.memory.verifies.at(-1)).toEqual({ target: "nightly", readData: 0.1 });
    expect(posted).toHaveLength(1);
    expect(posted[0]!.response_type).toBe("in_channel");
    expect(posted[0]!.text.split("\n")).toEqual([
      "<@U0OUTSIDER> verify: 1 broken of 2 checks (read back 10% of the archives, seed 7; repeat with --seed 7)",
      "  BROKEN drone object runs/drone/nightly-1/volumes/data.tar.zst: missing from the store",
      "  ok     gitlab snapshot lifeboat-weekly-gitlab-20261122T030000Z: in fra1",
    ]);
  });

  it("bare --read-data reads all; no target verifies every plan's droplets", async () => {
    await verify("verify --read-data");
    expect(world.memory.verifies.at(-1)).toEqual({ readData: 1 });
  });

  it("an unknown target is a problem naming the plans, with the usage", async () => {
    const { posted } = await verify("verify nope");
    expect(posted[0]!.text).toContain('"nope" is neither a plan (weekly, nightly) nor a droplet');
    expect(posted[0]!.text).toContain("/lifeboat verify [plan|droplet] [--read-data[=FRACTION]]");
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
