/**
 * Checks sandbox exchanges against DigitalOcean's `openapi.yaml` with openapi-backend (Ajv):
 * every request the sandbox received and every response it sent. Tests call
 * `expectSpecCompliant(sandbox)` at the end; any mismatch fails them with the details.
 */
import { readFileSync } from "node:fs";
import type { ExchangeRecord, Sandbox } from "@lifeboat/sandbox";
import addFormats from "ajv-formats";
import { OpenAPIBackend, SetMatchType } from "openapi-backend";
import { expect } from "vitest";
import { parse } from "yaml";

export const SPEC_PATH = "/work/shared/digitalocean/openapi.yaml";

/**
 * `POST /v2/droplets` (restore) is not in the cut-down spec. This one addition describes it the
 * way DO's full spec does (202 with `droplet`); the droplet itself is the spec's own schema.
 */
const createDropletOperation = {
  operationId: "droplets_create",
  requestBody: {
    required: true,
    content: {
      "application/json": {
        schema: {
          type: "object",
          required: ["name", "region", "size", "image"],
          properties: {
            name: { type: "string" },
            region: { type: "string" },
            size: { type: "string" },
            image: { oneOf: [{ type: "string" }, { type: "integer" }] },
            ssh_keys: { type: "array", items: { oneOf: [{ type: "string" }, { type: "integer" }] } },
            tags: { type: "array", items: { type: "string" } },
          },
        },
      },
    },
  },
  responses: {
    "202": {
      description: "accepted",
      content: {
        "application/json": {
          schema: {
            type: "object",
            required: ["droplet"],
            properties: { droplet: { $ref: "#/components/schemas/droplet" }, links: { type: "object" } },
          },
        },
      },
    },
    default: { $ref: "#/components/responses/unexpected_error" },
  },
};

let backend: Promise<OpenAPIBackend> | undefined;

function specBackend(): Promise<OpenAPIBackend> {
  backend ??= (async () => {
    const definition = parse(readFileSync(SPEC_PATH, "utf8"));
    definition.paths["/v2/droplets"].post = createDropletOperation;
    const api = new OpenAPIBackend({
      definition,
      strict: true,
      validate: true,
      // The spec's tag pattern escapes ":" ("\:"), which Ajv's default unicode RegExp rejects.
      ajvOpts: { unicodeRegExp: false, strict: false },
      customizeAjv: (ajv) => {
        addFormats(ajv);
        ajv.addFormat("float", true);
        return ajv;
      },
    });
    await api.init();
    return api;
  })();
  return backend;
}

/** What is wrong with one exchange, in words; empty when it matches the spec. */
export async function specProblems(x: ExchangeRecord): Promise<string[]> {
  const api = await specBackend();
  const where = `#${x.seq} ${x.method} ${x.path}`;
  const op = api.matchOperation({ method: x.method.toLowerCase(), path: x.path, headers: {} });
  if (!op?.operationId) return [`${where}: no operation in openapi.yaml`];
  const problems: string[] = [];
  const req = api.validateRequest(
    { method: x.method.toLowerCase(), path: x.path, query: x.query, headers: x.headers, body: x.body },
    op,
  );
  for (const e of req.errors ?? []) problems.push(`${where} request ${e.instancePath} ${e.message}`);
  if (x.dropped || x.status === undefined) return problems;
  if (x.status === 204 && x.responseBody !== undefined) problems.push(`${where}: 204 with a body`);
  if (x.status !== 204) {
    const res = api.validateResponse(x.responseBody, op, x.status);
    for (const e of res.errors ?? []) {
      problems.push(`${where} response ${x.status} ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    }
  }
  const headers = api.validateResponseHeaders(x.responseHeaders, op, {
    statusCode: x.status,
    setMatchType: SetMatchType.Superset,
  });
  for (const e of headers.errors ?? []) problems.push(`${where} response headers ${e.instancePath} ${e.message}`);
  return problems;
}

/** Fails the test if any exchange the sandbox logged breaks the spec. Returns how many were checked. */
export async function expectSpecCompliant(sandbox: Sandbox): Promise<number> {
  const problems = (await Promise.all(sandbox.log.map(specProblems))).flat();
  expect(problems.slice(0, 20)).toEqual([]);
  return sandbox.log.length;
}
