import { alarmMessage, isAlarmStateChange } from "@lifeboat/slack";
import { describe, expect, it } from "vitest";

/** A "CloudWatch Alarm State Change" delivery as EventBridge sends it (fields lifeboat reads). */
const change = (state: string, previous: string) => ({
  source: "aws.cloudwatch",
  "detail-type": "CloudWatch Alarm State Change",
  detail: {
    alarmName: "lifeboat-prod-nightly-no-success",
    state: { value: state, reason: "Threshold Crossed: 2 datapoints [0.0, 0.0] were less than the threshold (1.0)." },
    previousState: { value: previous },
    configuration: { description: "no run of plan nightly succeeded in the last 48 hours" },
  },
});

describe("alarm messages for Slack", () => {
  it("tells an alarm state change from a lifeboat event", () => {
    expect(isAlarmStateChange(change("ALARM", "OK"))).toBe(true);
    expect(isAlarmStateChange({ source: "lifeboat", "detail-type": "run.finished", detail: {} })).toBe(false);
  });

  it("says what went off, its name and CloudWatch's reason", () => {
    expect(alarmMessage(change("ALARM", "OK"))).toBe(
      ":rotating_light: lifeboat alarm: no run of plan nightly succeeded in the last 48 hours (`lifeboat-prod-nightly-no-success`)\nThreshold Crossed: 2 datapoints [0.0, 0.0] were less than the threshold (1.0).",
    );
  });

  it("says when it clears, and stays quiet about changes nobody needs (creation, INSUFFICIENT_DATA)", () => {
    expect(alarmMessage(change("OK", "ALARM"))).toMatch(
      /^:white_check_mark: lifeboat alarm cleared: no run of plan nightly/,
    );
    expect(alarmMessage(change("OK", "INSUFFICIENT_DATA"))).toBeUndefined();
    expect(alarmMessage(change("INSUFFICIENT_DATA", "OK"))).toBeUndefined();
  });
});
