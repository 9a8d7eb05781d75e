/**
 * A CloudWatch alarm of lifeboat's (stacks/alarms.ts) changing state, as a plain Slack
 * message. EventBridge delivers the change ("CloudWatch Alarm State Change", source
 * "aws.cloudwatch") to the report function, which posts this to the plan's channel.
 */
import type { EventBridgeDelivery } from "./thread";

export const ALARM_SOURCE = "aws.cloudwatch";
export const ALARM_DETAIL_TYPE = "CloudWatch Alarm State Change";

interface AlarmDetail {
  alarmName?: string;
  state?: { value?: string; reason?: string };
  previousState?: { value?: string };
  configuration?: { description?: string };
}

/** Whether a delivery is an alarm's state change rather than a lifeboat event. */
export function isAlarmStateChange(delivery: EventBridgeDelivery): boolean {
  return delivery.source === ALARM_SOURCE && delivery["detail-type"] === ALARM_DETAIL_TYPE;
}

/**
 * The message for an alarm going off, or coming back to OK after it went off; undefined for
 * the changes nobody needs to read (INSUFFICIENT_DATA at creation, OK from there).
 * @example alarmMessage(delivery) // → ":rotating_light: lifeboat alarm: no successful run of plan nightly … "
 */
export function alarmMessage(delivery: EventBridgeDelivery): string | undefined {
  const detail = (delivery.detail ?? {}) as AlarmDetail;
  const name = detail.alarmName ?? "an alarm";
  const what = detail.configuration?.description ?? name;
  const state = detail.state?.value;
  if (state === "ALARM") {
    const reason = detail.state?.reason ? `\n${detail.state.reason}` : "";
    return `:rotating_light: lifeboat alarm: ${what} (\`${name}\`)${reason}`;
  }
  if (state === "OK" && detail.previousState?.value === "ALARM") {
    return `:white_check_mark: lifeboat alarm cleared: ${what} (\`${name}\`)`;
  }
  return undefined;
}
