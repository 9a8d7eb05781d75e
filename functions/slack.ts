/**
 * Lambda entry point of the Slack app (API Gateway v2 / function URL): `/lifeboat` commands,
 * approval and restore buttons. Thin wiring only: the app is in packages/slack/src/app.ts, its
 * AWS calls (start a run, answer an approval, pause a schedule, defer work) in @lifeboat/aws.
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import {
  approvalResponder,
  deferredInvoker,
  drillStarter,
  runStarter,
  schedulerApi,
  scheduleSwitch,
  verifyStarter,
} from "@lifeboat/aws";
import { createSlackHandler, type SlackBackend } from "@lifeboat/slack";
import { config } from "./config";
import { boltLogger, loadLoggedSecrets } from "./observability";
import { optional, required } from "./slack-env";

const secrets = await loadLoggedSecrets(["SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "DIGITALOCEAN_TOKEN"]);
const backupFunction = required("LIFEBOAT_BACKUP_FUNCTION");
const lambda = new LambdaClient({});
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
    backend: loadedOnFirstUse(async () => {
      const [{ DigitalOceanClient }, { logClientEvent }, { deployedArchiveSink }, { deployedBackend }] =
        await Promise.all([
          import("@lifeboat/digitalocean"),
          import("./digitalocean-log"),
          import("./archive-sink"),
          import("./slack-backend"),
        ]);
      const archives = deployedArchiveSink(config);
      return deployedBackend({
        config,
        droplets: new DigitalOceanClient({ token: secrets.DIGITALOCEAN_TOKEN, log: logClientEvent }),
        archives: archives.sink,
        archivePrices: archives.prices,
        lambda,
        // The alias ARN without its qualifier: executions are listed per function.
        backupFunction: backupFunction.replace(/:live$/, ""),
      });
    }),
    // Finished runs from the run history (CLI runs included), read when `status` asks.
    history: async (plan, last) => {
      const [{ runHistory }, { deployedArchiveSink }] = await Promise.all([
        import("@lifeboat/storage"),
        import("./archive-sink"),
      ]);
      return runHistory(deployedArchiveSink(config).sink).list(plan, { last });
    },
    startRun: runStarter({ lambda, functionName: backupFunction }),
    startDrill: drillStarter({ lambda, functionName: backupFunction }),
    // `/lifeboat verify` reads archives back for longer than this function may run: backup-run does it.
    startVerify: verifyStarter({ lambda, functionName: backupFunction }),
    answerApproval: approvalResponder(lambda),
    schedules: scheduleSwitch({
      scheduler: schedulerApi(new SchedulerClient({})),
      schedulePattern: required("LIFEBOAT_SCHEDULE_PATTERN"),
    }),
    defer: deferredInvoker({ lambda, functionName: required("AWS_LAMBDA_FUNCTION_NAME") }),
    logger: boltLogger("slack"),
    now: () => new Date(),
  },
});

/** Two arguments exactly: Node 24 Lambda runtimes refuse three-argument handlers. */
export const handler = async (event: unknown, context: unknown) => slackHandler(event, context);

/**
 * The backend (DigitalOcean client, archive store) is loaded on its first use: most requests
 * (`help`, `run`, buttons, and the fast half of every command) never need it, and a cold
 * start must answer Slack within 3 s.
 */
function loadedOnFirstUse(load: () => Promise<SlackBackend>): SlackBackend {
  let loaded: Promise<SlackBackend> | undefined;
  return new Proxy({} as SlackBackend, {
    get:
      (_target, method: keyof SlackBackend) =>
      async (...args: unknown[]) => {
        loaded ??= load();
        const backend = await loaded;
        return (backend[method] as (...a: unknown[]) => Promise<unknown>).apply(backend, args);
      },
  });
}
