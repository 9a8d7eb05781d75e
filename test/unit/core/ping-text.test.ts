/** What the routine shows of a ping: the redacted URL, the end ping's body, and a bad URL in the config. */
import { PING_BODY_MAX_BYTES, parseConfig, pingBody, redactUrl } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const SECRET = "7b4c1e1a-0d6f-4c1e-9f1a-5e2b8c3dc0de";

describe("redactUrl", () => {
  it("keeps scheme, host and the path's last 4 characters; drops the rest, the query and any credentials", () => {
    expect(redactUrl(`https://hc-ping.com/${SECRET}`)).toBe("https://hc-ping.com/…c0de");
    expect(redactUrl(`https://hc-ping.com/${SECRET}/`)).toBe("https://hc-ping.com/…c0de");
    expect(redactUrl(`http://user:pw@kuma.lan:3001/api/push/${SECRET}?status=up&msg=OK`)).toBe(
      "http://kuma.lan:3001/…c0de",
    );
    // A short path would be shown nearly whole: none of it is.
    expect(redactUrl("https://hc.example/ab12")).toBe("https://hc.example/…");
    expect(redactUrl("not a url")).toBe("(a URL, not shown)");
  });
});

describe("pingBody", () => {
  it("plan, run and outcome first, then what failed before what succeeded", () => {
    expect(
      pingBody("weekly-20260104T030000Z", "weekly", "incomplete", [
        { droplet: "drone", outcome: "succeeded", detail: "snapshot lifeboat-weekly-drone-… (120s)" },
        { droplet: "gitlab", outcome: "failed", detail: "snapshot: the action errored" },
        { droplet: "ssh", outcome: "skipped", detail: "approval refused" },
      ]),
    ).toBe(
      [
        "lifeboat plan weekly, run weekly-20260104T030000Z: incomplete",
        "gitlab: failed — snapshot: the action errored",
        "ssh: skipped — approval refused",
        "drone: succeeded",
      ].join("\n"),
    );
  });

  it("stays within its byte limit with long details and multi-byte text, cut on a character", () => {
    const droplets = Array.from({ length: 40 }, (_, i) => ({
      droplet: `web-${i}`,
      outcome: "failed" as const,
      detail: `über-lange Meldung ✗ ${"x".repeat(100)}`,
    }));
    const body = pingBody("r", "weekly", "failed", droplets);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(PING_BODY_MAX_BYTES);
    expect(Buffer.byteLength(body)).toBeGreaterThan(PING_BODY_MAX_BYTES - 4);
    expect(body.endsWith("…")).toBe(true);
    expect(body).not.toContain("\uFFFD");
  });
});

describe("notify.ping in the config", () => {
  it("a wrong URL is reported without being echoed: it is a secret", () => {
    const parsed = parseConfig({
      plans: [
        {
          name: "weekly",
          schedule: "rate(1 day)",
          droplets: [{ name: "web-1" }],
          snapshot: { approval: { required: false } },
          notify: { ping: `ftp://hc-ping.com/${SECRET}` },
        },
      ],
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      {
        path: "plans[0].notify.ping",
        message: expect.stringMatching(/^expected an http\(s\) URL .*, got a value not shown here \(it is secret\)$/),
      },
    ]);
    expect(JSON.stringify(parsed.problems)).not.toContain(SECRET.slice(0, 8));
  });
});
