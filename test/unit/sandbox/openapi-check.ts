/**
 * Checks sandbox exchanges against DigitalOcean's `openapi.yaml` with openapi-backend (Ajv):
 * every request the sandbox received and every response it sent. Tests call
 * `expectSpecCompliant(sandbox)` at the end; any mismatch fails them with the details.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ExchangeRecord, Sandbox } from "@lifeboat/sandbox";
import addFormats from "ajv-formats";
import { OpenAPIBackend, SetMatchType, ValidationContext } from "openapi-backend";
import { expect } from "vitest";
import { parse } from "yaml";

/** DigitalOcean's spec subset, vendored with its licence and provenance (packages/sandbox/spec). */
const SPEC_PATH = fileURLToPath(new URL("../../../packages/sandbox/spec/openapi.yaml", import.meta.url));

let backend: Promise<OpenAPIBackend> | undefined;

function specBackend(): Promise<OpenAPIBackend> {
  backend ??= (async () => {
    const definition = parse(readFileSync(SPEC_PATH, "utf8"));
    const api = new OpenAPIBackend({
      definition,
      strict: true,
      validate: true,
      // Compile only the operations a test exchange uses, not all of the spec's (20 s and more
      // on a busy machine); the vendored file is DO's, bundled and linted upstream (spec/README.md).
      quick: true,
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
  const { body, query, extra } = asTheSpecMeantIt(api, op.operationId, x);
  problems.push(...extra.map((p) => `${where} request ${p}`));
  const req = api.validateRequest(
    { method: x.method.toLowerCase(), path: x.path, query, headers: x.headers, body },
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

/**
 * Two known slips of the spec, read as it means them (each stays checked, not skipped):
 * - `change_backup_policy` is a droplet action in the operation's table and its discriminator
 *   mapping, but `droplet_action.type`'s enum omits it: such a body is checked against the schema
 *   the mapping names (`droplet_action_change_backup_policy`: `backup_policy` required, its hour
 *   and weekday from their enums) with the type read as the same-shaped `enable_backups`. (The
 *   operation's plain `anyOf` would accept any `backup_policy` through its first branch.)
 * - `imageActions_list` lists no `page`/`per_page`, yet its own cURL sample sends them (and DO
 *   paginates it): they are checked as the other lists' are, then left out.
 */
function asTheSpecMeantIt(api: OpenAPIBackend, operationId: string, x: ExchangeRecord) {
  const extra: string[] = [];
  let body = x.body;
  let query = x.query;
  const b = x.body as { type?: unknown; backup_policy?: unknown } | undefined;
  if (operationId === "dropletActions_post" && b?.type === "change_backup_policy") {
    body = { ...b, type: "enable_backups" };
    changePolicySchema ??= compileChangePolicy(api);
    const check = changePolicySchema;
    if (!check(body)) for (const e of check.errors ?? []) extra.push(`${e.instancePath} ${e.message}`);
  }
  if (operationId === "imageActions_list") {
    const { page, per_page, ...rest } = x.query;
    for (const [name, value] of Object.entries({ page, per_page })) {
      if (value !== undefined && !/^[1-9]\d*$/.test(value)) extra.push(`${name} must be a positive integer`);
    }
    if (per_page !== undefined && Number(per_page) > 200) extra.push("per_page must be at most 200");
    query = rest;
  }
  return { body, query, extra };
}

let changePolicySchema: ReturnType<typeof compileChangePolicy> | undefined;

function compileChangePolicy(api: OpenAPIBackend) {
  const { components } = api.definition as { components: Record<string, unknown> };
  const ajv = api.validator.getAjv(ValidationContext.RequestBody);
  return ajv.compile({ $ref: "#/components/schemas/droplet_action_change_backup_policy", components });
}

/** Fails the test if any exchange the sandbox logged breaks the spec. Returns how many were checked. */
export async function expectSpecCompliant(sandbox: Sandbox): Promise<number> {
  const problems = (await Promise.all(sandbox.log.map(specProblems))).flat();
  expect(problems.slice(0, 20)).toEqual([]);
  return sandbox.log.length;
}
