/**
 * A loopback stand-in for the Lambda and EventBridge Scheduler APIs the Slack function calls,
 * recording every request. It keeps what the real services enforce for us: one answer per
 * durable callback (a second, or one after the timeout, gets CallbackTimeoutException), one
 * payload per durable execution name, each schedule's whole definition (UpdateSchedule
 * replaces it and needs its required fields), and a valid SigV4 signature on Scheduler calls.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { ScheduleDefinition } from "@lifeboat/slack";
import { sigV4Problem } from "./sigv4-check";

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

export async function startAwsServer(
  schedules: Record<string, ScheduleDefinition>,
  credentials: { accessKeyId: string; secretAccessKey: string },
) {
  const invocations: Invocation[] = [];
  const callbackAnswers: Array<{ callbackId: string; result: unknown; accepted: boolean }> = [];
  const scheduleCalls: Array<{ action: string; name: string; body?: unknown }> = [];
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
      const signatureProblem = await sigV4Problem(req, text, { service: "scheduler", ...credentials });
      if (signatureProblem) return fail(error("InvalidSignatureException", 403, signatureProblem));
      const name = schedule[1] as string;
      const action = req.method === "PUT" ? "UpdateSchedule" : "GetSchedule";
      const body = text ? (JSON.parse(text) as Partial<ScheduleDefinition>) : undefined;
      scheduleCalls.push({ action, name, ...(body ? { body } : {}) });
      const group = action === "GetSchedule" ? schedule[2] : body?.GroupName;
      const current = schedules[name];
      if (!current || current.GroupName !== group) {
        return fail(error("ResourceNotFoundException", 404, `Schedule ${name} does not exist.`));
      }
      if (action === "GetSchedule") {
        return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(current));
      }
      const missing = ["ScheduleExpression", "FlexibleTimeWindow", "Target"].filter((k) => !(k in (body ?? {})));
      if (missing.length > 0) return fail(error("ValidationException", 400, `missing ${missing.join(", ")}`));
      // UpdateSchedule replaces the schedule: what is not sent falls back to its default.
      schedules[name] = { Name: name, State: "ENABLED", ...body } as ScheduleDefinition;
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ScheduleArn: name }));
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
    raw,
    /** The durable wait timed out: later answers are refused. */
    timeOut(callbackId: string) {
      closedCallbacks.add(callbackId);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export type AwsServer = Awaited<ReturnType<typeof startAwsServer>>;
