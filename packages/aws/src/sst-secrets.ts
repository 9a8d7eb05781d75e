/**
 * Secrets for the Lambda entry points. Deployed, they are SST secrets: SSM parameters that SST
 * names `${SST_SSM_PREFIX}Secret/<NAME>/value` (with a per-app `.fallback` stage), fetched once
 * per cold start. Locally and in tests they come from the environment. A missing one stops the
 * function with the command that sets it — never with its value.
 */
import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";

const SST_PLACEHOLDER = "__FETCH_FROM_SSM__";

/**
 * Per Lambda instance, one SSM client and one fetch per secret name: warm invocations and each
 * droplet's SSH session reuse it instead of asking SSM again. A failed fetch, or a secret that
 * is not set, is not kept, so a later call asks again.
 */
let ssm: SSMClient | undefined;
const fetched = new Map<string, Promise<string | undefined>>();

function forget(name: string, value: Promise<string | undefined>) {
  if (fetched.get(name) === value) fetched.delete(name);
}

export async function loadSecrets<const N extends string>(names: readonly N[]): Promise<Record<N, string>> {
  const fromSsm = names.filter(
    (name) => process.env[`SST_Secret_value_${name}`] === SST_PLACEHOLDER && !process.env[name],
  );
  const unfetched = fromSsm.filter((name) => !fetched.has(name));
  if (unfetched.length > 0) {
    const batch = fetchSstSecrets(unfetched);
    for (const name of unfetched) {
      const value = batch.then((found) => found.get(name));
      fetched.set(name, value);
      value.then(
        (v) => v === undefined && forget(name, value),
        () => forget(name, value),
      );
    }
  }
  const found = new Map(await Promise.all(fromSsm.map(async (name) => [name, await fetched.get(name)] as const)));
  const values = {} as Record<N, string>;
  for (const name of names) {
    const value = process.env[name] || found.get(name);
    if (!value) {
      throw new Error(
        `secret ${name} is not set: npx sst secrets set ${name} … --stage <stage> (or export it locally)`,
      );
    }
    values[name] = value;
  }
  return values;
}

async function fetchSstSecrets(names: readonly string[]): Promise<Map<string, string>> {
  ssm ??= new SSMClient({});
  const client = ssm;
  const app = process.env.SST_APP ?? "";
  const stagePath = (name: string) => `${process.env.SST_SSM_PREFIX ?? ""}Secret/${name}/value`;
  const fallbackPath = (name: string) => `/sst/${app}/.fallback/Secret/${name}/value`;
  const found = new Map<string, string>();
  for (const pathOf of [stagePath, fallbackPath]) {
    const wanted = names.filter((n) => !found.has(n));
    // GetParameters takes at most 10 names a call.
    for (let i = 0; i < wanted.length; i += 10) {
      const batch = wanted.slice(i, i + 10);
      const result = await client.send(new GetParametersCommand({ Names: batch.map(pathOf), WithDecryption: true }));
      for (const parameter of result.Parameters ?? []) {
        const name = batch.find((n) => pathOf(n) === parameter.Name);
        if (name && parameter.Value) found.set(name, parameter.Value);
      }
    }
  }
  return found;
}
