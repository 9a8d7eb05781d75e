/**
 * The two EventBridge Scheduler calls that pause and resume a plan, GetSchedule and
 * UpdateSchedule, over Scheduler's REST API signed with SigV4. The lockfile has no
 * @aws-sdk/client-scheduler; this port is the seam to swap it in behind.
 */
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";

/** What GetSchedule returns that UpdateSchedule takes back: UpdateSchedule replaces the whole schedule. */
export interface ScheduleDefinition {
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  FlexibleTimeWindow: unknown;
  Target: unknown;
  State: "ENABLED" | "DISABLED";
  Description?: string;
  StartDate?: unknown;
  EndDate?: unknown;
  KmsKeyArn?: string;
  ActionAfterCompletion?: string;
}

export interface SchedulerApi {
  /** undefined when there is no such schedule. */
  getSchedule(name: string, groupName: string): Promise<ScheduleDefinition | undefined>;
  updateSchedule(definition: ScheduleDefinition): Promise<void>;
}

const UPDATABLE = [
  "GroupName",
  "ScheduleExpression",
  "ScheduleExpressionTimezone",
  "FlexibleTimeWindow",
  "Target",
  "State",
  "Description",
  "StartDate",
  "EndDate",
  "KmsKeyArn",
  "ActionAfterCompletion",
] as const;

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/**
 * @example
 * const lambda = new LambdaClient({});
 * const api = schedulerApi({ region: lambda.config.region, credentials: lambda.config.credentials });
 */
export function schedulerApi({
  region,
  credentials,
  endpoint,
}: {
  region: () => Promise<string>;
  credentials: () => Promise<Credentials>;
  /** Scheduler's endpoint; `https://scheduler.<region>.amazonaws.com` when absent. */
  endpoint?: string;
}): SchedulerApi {
  const signer = new SignatureV4({ service: "scheduler", region, credentials, sha256: Sha256 });

  async function call(
    operation: string,
    method: "GET" | "PUT",
    name: string,
    query: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; type?: string; json: Record<string, unknown> }> {
    const url = new URL(
      `/schedules/${encodeURIComponent(name)}`,
      endpoint ?? `https://scheduler.${await region()}.amazonaws.com`,
    );
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers: { host: url.host, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body }),
    });
    // fetch sets Host itself, to the same url.host that was signed.
    const { host: _host, ...headers } = signed.headers;
    const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const type = response.headers.get("x-amzn-errortype")?.split(":")[0];
    if (response.ok || (type === "ResourceNotFoundException" && operation === "GetSchedule")) {
      return { status: response.status, ...(type ? { type } : {}), json };
    }
    const message = String(json.Message ?? json.message ?? text);
    throw new Error(`EventBridge Scheduler ${operation} ${name}: ${type ?? response.status}: ${message}`);
  }

  return {
    async getSchedule(name, groupName) {
      const answer = await call("GetSchedule", "GET", name, { groupName });
      return answer.type === "ResourceNotFoundException" ? undefined : (answer.json as unknown as ScheduleDefinition);
    },
    async updateSchedule(definition) {
      const body = Object.fromEntries(
        UPDATABLE.filter((k) => definition[k] !== undefined).map((k) => [k, definition[k]]),
      );
      await call("UpdateSchedule", "PUT", definition.Name, {}, JSON.stringify(body));
    },
  };
}

/** SHA-256 and HMAC-SHA-256 in the shape the signer wants, from node:crypto. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}
