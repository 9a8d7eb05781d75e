/**
 * Settings of the Slack and report functions, from the environment (set by the Slack stack;
 * secrets from SST secrets). A missing one stops the function with its name.
 *
 * | variable                   | what                                                                 |
 * | -------------------------- | -------------------------------------------------------------------- |
 * | `SLACK_SIGNING_SECRET`     | Slack app signing secret (secret)                                    |
 * | `SLACK_BOT_TOKEN`          | bot token `xoxb-…` (secret)                                          |
 * | `SLACK_BOT_ID`, `SLACK_BOT_USER_ID` | optional: spare an `auth.test` call on a cold start         |
 * | `SLACK_API_URL`            | optional: Web API base URL (tests, benchmarks)                       |
 * | `LIFEBOAT_BACKUP_FUNCTION` | qualified ARN (alias) of the durable `backup-run` function           |
 * | `LIFEBOAT_SCHEDULE_PATTERN` | plan schedule name with `{plan}`, e.g. `lifeboat-prod-plan-{plan}` |
 * | `AWS_LAMBDA_FUNCTION_NAME` | set by Lambda: the Slack function invokes itself for slow commands   |
 */
export function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`environment variable ${name} is not set; the Slack stack sets it (see functions/slack-env.ts)`);
  return value;
}

export function optional(name: string): string | undefined {
  return process.env[name] || undefined;
}
