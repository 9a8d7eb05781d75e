/**
 * The Slack function's handler: Bolt 5 `App` on `AwsLambdaReceiver`, behind our stricter
 * request checks, plus the deferred half of slow commands. Where things are:
 *  - `/lifeboat` subcommands: ./commands/handle.ts (fast part), ./commands/deferred.ts (slow part)
 *  - approval buttons: ./approval/actions.ts
 *  - restore buttons: ./restore/actions.ts
 */
import { App, AwsLambdaReceiver } from "@slack/bolt";
import type { WebClientOptions } from "@slack/web-api";
import { registerApprovalActions } from "./approval/actions";
import { runDeferred } from "./commands/deferred";
import { isDeferredWork } from "./commands/deferred-work";
import { handleCommand } from "./commands/handle";
import type { SlackDeps } from "./deps";
import { problemMessage } from "./message";
import { registerRestoreActions } from "./restore/actions";
import { type HttpEvent, verifySlackRequest } from "./verify-request";

export interface SlackHandlerOptions {
  deps: SlackDeps;
  signingSecret: string;
  botToken: string;
  /** Known bot ids spare an `auth.test` call on a cold start. */
  botId?: string;
  botUserId?: string;
  /** Web API options: `slackApiUrl` for tests; retries are capped so a listener never outlives Slack's 3 s. */
  clientOptions?: WebClientOptions;
  nowSeconds?: () => number;
}

export type LambdaResult = { statusCode: number; body: string; headers?: Record<string, string | number | boolean> };

/**
 * @example
 * export const handler = createSlackHandler({ deps, signingSecret, botToken });
 */
export function createSlackHandler(options: SlackHandlerOptions) {
  const { deps, signingSecret } = options;
  const logger = deps.logger;
  const receiver = new AwsLambdaReceiver({ signingSecret, logger });
  const app = new App({
    token: options.botToken,
    receiver,
    logger,
    tokenVerificationEnabled: false,
    ...(options.botId && options.botUserId ? { botId: options.botId, botUserId: options.botUserId } : {}),
    clientOptions: { retryConfig: { retries: 1, maxRetryTime: 1000 }, ...options.clientOptions },
  });

  app.command("/lifeboat", async ({ command, ack }) => {
    let message: Awaited<ReturnType<typeof handleCommand>>;
    try {
      message = await handleCommand(
        {
          text: command.text,
          userId: command.user_id,
          channelId: command.channel_id,
          responseUrl: command.response_url,
        },
        deps,
      );
    } catch (error) {
      logger.error(`/lifeboat ${command.text} failed: ${(error as Error).message}`);
      message = problemMessage(`\`/lifeboat ${command.text}\` failed and changed nothing: ${(error as Error).message}`);
    }
    await ack({
      response_type: message.inChannel ? "in_channel" : "ephemeral",
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
    });
  });
  registerApprovalActions(app, deps);
  registerRestoreActions(app, deps);
  app.error(async (error) => {
    logger.error(`Slack handler error: ${error.message}`);
  });

  let started: ReturnType<AwsLambdaReceiver["start"]> | undefined;
  const nowSeconds = options.nowSeconds ?? (() => Date.now() / 1000);

  return async (event: unknown, context: unknown): Promise<LambdaResult | undefined> => {
    if (isDeferredWork(event)) {
      await runDeferred(event, deps);
      return undefined;
    }
    const checked = verifySlackRequest(event as HttpEvent, signingSecret, nowSeconds());
    if (!checked.ok) {
      logger.warn(`refused a Slack request: ${checked.reason}`);
      return { statusCode: 401, body: "" };
    }
    started ??= receiver.start();
    const handle = await started;
    return handle(checked.event as unknown as Parameters<typeof handle>[0], context);
  };
}
