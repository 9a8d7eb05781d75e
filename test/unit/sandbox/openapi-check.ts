/**
 * Checks sandbox exchanges against DigitalOcean's `openapi.yaml` with openapi-backend (Ajv):
 * every request the sandbox received and every response it sent. Tests call
 * `expectSpecCompliant(sandbox)` at the end; any mismatch fails them with the details.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ExchangeRecord, Sandbox } from "@lifeboat/sandbox";
import addFormats from "ajv-formats";
import { OpenAPIBackend, SetMatchType } from "openapi-backend";
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
