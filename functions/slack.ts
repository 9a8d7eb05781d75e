/**
 * Lambda entry point of the Slack app (API Gateway v2 / function URL): `/lifeboat` commands,
 * approval and restore buttons. Thin wiring only; the app is in packages/slack/src/app.ts.
 */
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { LambdaClient } from "@aws-sdk/client-lambda";
import {
  approvalResponder,
  createSlackHandler,
  deferredInvoker,
  jsonLogger,
  runStarter,
  scheduleSwitch,
} from "@lifeboat/slack";
import { config } from "./config";
import { loadSecrets } from "./secrets";
import { deployedBackend } from "./slack-backend";
import { optional, required } from "./slack-env";

const secrets = await loadSecrets(["SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN"]);
const lambda = new LambdaClient({});
const eventBusName = optional("LIFEBOAT_EVENT_BUS");
const slackApiUrl = optional("SLACK_API_URL");
const botId = optional("SLACK_BOT_ID");
const botUserId = optional("SLACK_BOT_USER_ID");

const slackHandler = createSlackHandler({
  signingSecret: secrets.SLACK_SIGNING_SECRET,
  botToken: secrets.SLACK_BOT_TOKEN,
  ...(botId && botUserId ? { botId, botUserId } : {}),
  ...(slackApiUrl ? { clientOptions: { slackApiUrl } } : {}),
  deps: {
    config,
    backend: deployedBackend(),
    startRun: runStarter({ lambda, functionName: required("LIFEBOAT_BACKUP_FUNCTION") }),
    answerApproval: approvalResponder(lambda),
    schedules: scheduleSwitch({
      eventBridge: new EventBridgeClient({}),
      rulePattern: required("LIFEBOAT_RULE_PATTERN"),
      ...(eventBusName ? { eventBusName } : {}),
    }),
    defer: deferredInvoker({ lambda, functionName: required("AWS_LAMBDA_FUNCTION_NAME") }),
    logger: jsonLogger("slack", (line) => process.stdout.write(`${line}\n`)),
    now: () => new Date(),
  },
});

/** Two arguments exactly: Node 24 Lambda runtimes refuse three-argument handlers. */
export const handler = async (event: unknown, context: unknown) => slackHandler(event, context);
