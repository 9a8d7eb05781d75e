/** `/lifeboat run <plan> [droplet] --dry-run`: starts the durable function with `dryRun`, for anyone (it changes nothing). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiGatewayEvent, slashBody } from "./fakes/requests";
import { BACKUP_FUNCTION, type SlackWorld, slackWorld } from "./fakes/setup";

let world: SlackWorld;
beforeAll(async () => {
  world = await slackWorld();
});
afterAll(() => world.close());

const OUTSIDER = "U0OUTSIDER";

async function command(text: string, user = OUTSIDER) {
  const res = await world.handler(apiGatewayEvent(slashBody(text, user, world.slack.responseUrl("cmd"))), {});
  return JSON.parse(res?.body || "{}") as { response_type: string; text: string };
}

describe("/lifeboat run --dry-run", () => {
  it("starts a dry run of a plan that powers off, even for someone who is not an approver", async () => {
    const ack = await command("run weekly --dry-run");
    expect(ack.response_type).toBe("in_channel");
    expect(ack.text).toMatch(/started a dry run \(it changes nothing\) `weekly-[^`]+` of plan \*weekly\*/);
    expect(world.aws.invocations.at(-1)).toMatchObject({
      functionName: BACKUP_FUNCTION,
      payload: { plan: "weekly", trigger: "slack", requestedBy: OUTSIDER, dryRun: true },
    });
  });

  it("with a droplet, the deferred answer starts a dry run of that droplet", async () => {
    const ack = await command("run weekly gitlab --dry-run");
    expect(ack.text).toContain("looking it up");
    await world.runLastDeferred();
    const posted = world.slack.calls.filter((c) => c.method === "response_url").at(-1)?.body as { text: string };
    expect(posted.text).toContain("started a dry run (it changes nothing)");
    expect(world.aws.invocations.at(-1)?.payload).toMatchObject({ plan: "weekly", droplets: ["gitlab"], dryRun: true });
  });

  it("a real run is still refused to a non-approver, and another flag is still bad input", async () => {
    const invocations = world.aws.invocations.length;
    expect((await command("run weekly")).text).toContain("may start a run");
    expect((await command("run weekly --force")).text).toContain("`run` has no option --force");
    expect(world.aws.invocations.length).toBe(invocations);
  });
});
