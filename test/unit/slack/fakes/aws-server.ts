/**
 * A loopback stand-in for the Lambda and EventBridge Scheduler APIs the Slack function calls,
 * recording every request. It keeps what the real services enforce for us: one answer per
 * durable callback (a second, or one after the timeout, gets CallbackTimeoutException), one
 * payload per durable execution name, each schedule's whole definition (UpdateSchedule
 * replaces it and needs its required fields), and Scheduler's refusal of a call the role may
 * not make. Scheduler's REST calls are answered in its wire format, as the SDK client expects.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { ScheduleDefinition } from "@lifeboat/aws";

export interface Invocation {
  functionName: string;
  invocationType: string | undefined;
  durableExecutionName: string | undefined;
  payload: unknown;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** When the fake schedules were created and last changed, in Scheduler's epoch seconds. */
const CREATED = 1_795_000_000;

export async function startAwsServer(schedules: Record<string, ScheduleDefinition>) {
  const invocations: Invocation[] = [];
  const callbackAnswers: Array<{ callbackId: string; result: unknown; accepted: boolean }> = [];
  const scheduleCalls: Array<{ action: string; name: string; body?: unknown }> = [];
  /** Scheduler actions the caller's role may not make: they get AccessDeniedException. */
  const deniedActions = new Set<string>();
  const closedCallbacks = new Set<string>();
  const executions = new Map<string, string>();
  const raw: string[] = [];

  const error = (type: string, status: number, message: string) => ({ type, status, message });

  const server = createServer(async (req, res) => {
    const text = await readBody(req);
    raw.push(text);
    const url = decodeURIComponent(req.url ?? "/");
    const fail = (e: ReturnType<typeof error>) =>
      res
        .writeHead(e.status, { "content-type": "application/json", "x-amzn-errortype": e.type })
        .end(JSON.stringify({ Type: "User", message: e.message }));

    const invoke = url.match(/^\/2015-03-31\/functions\/([^/]+)\/invocations/);
    if (invoke) {
      const name = req.headers["x-amz-durable-execution-name"] as string | undefined;
      if (name && executions.has(name) && executions.get(name) !== text) {
        return fail(
          error("DurableExecutionAlreadyStartedException", 409, "execution already started with another payload"),
        );
      }
      if (name) executions.set(name, text);
      invocations.push({
        functionName: invoke[1] as string,
        invocationType: req.headers["x-amz-invocation-type"] as string | undefined,
        durableExecutionName: name,
        payload: JSON.parse(text),
      });
      return res.writeHead(202).end();
    }
    const callback = url.match(/^\/2025-12-01\/durable-execution-callbacks\/([^/]+)\/succeed$/);
    if (callback) {
      const id = callback[1] as string;
      const accepted = !closedCallbacks.has(id);
      callbackAnswers.push({ callbackId: id, result: JSON.parse(text), accepted });
      if (!accepted) return fail(error("CallbackTimeoutException", 400, "callback already completed or timed out"));
      closedCallbacks.add(id);
      return res.writeHead(200, { "content-type": "application/json" }).end("{}");
    }
    const schedule = url.match(/^\/schedules\/([^/?]+)(?:\?groupName=([^&]+))?$/);
    if (schedule) {
      const name = schedule[1] as string;
      const action = req.method === "PUT" ? "UpdateSchedule" : "GetSchedule";
      // ClientToken is the SDK's idempotency token, not part of the schedule.
      const { ClientToken: _token, ...body } = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      scheduleCalls.push({ action, name, ...(text ? { body } : {}) });
      if (deniedActions.has(action)) {
        return fail(error("AccessDeniedException", 403, `not authorized to perform: scheduler:${action} on ${name}`));
      }
      // GetSchedule names the group in the query, UpdateSchedule in the body; both default to "default".
      const group = (action === "GetSchedule" ? schedule[2] : body.GroupName) ?? "default";
      const current = schedules[name];
      if (!current || current.GroupName !== group) {
        return fail(error("ResourceNotFoundException", 404, `Schedule ${name} does not exist.`));
      }
      const arn = `arn:aws:scheduler:us-east-1:123456789012:schedule/${group}/${name}`;
      if (action === "GetSchedule") {
        const answer = { ...current, Arn: arn, CreationDate: CREATED, LastModificationDate: CREATED };
        return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
      }
      const missing = ["ScheduleExpression", "FlexibleTimeWindow", "Target"].filter((k) => !(k in body));
      if (missing.length > 0) return fail(error("ValidationException", 400, `missing ${missing.join(", ")}`));
      // UpdateSchedule replaces the schedule: what is not sent falls back to its default.
      schedules[name] = { Name: name, GroupName: "default", State: "ENABLED", ...body } as ScheduleDefinition;
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ScheduleArn: arn }));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    invocations,
    callbackAnswers,
    scheduleCalls,
    schedules,
    deniedActions,
    raw,
    /** The durable wait timed out: later answers are refused. */
    timeOut(callbackId: string) {
      closedCallbacks.add(callbackId);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export type AwsServer = Awaited<ReturnType<typeof startAwsServer>>;
