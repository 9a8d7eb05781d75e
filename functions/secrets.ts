/**
 * Secrets for the Lambda entry points. Deployed, they are SST secrets: SSM parameters that SST
 * names `${SST_SSM_PREFIX}Secret/<NAME>/value` (with a per-app `.fallback` stage), fetched once
 * per cold start. Locally and in tests they come from the environment. A missing one stops the
 * function with the command that sets it — never with its value.
 */
import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";

const SST_PLACEHOLDER = "__FETCH_FROM_SSM__";

export async function loadSecrets<const N extends string>(names: readonly N[]): Promise<Record<N, string>> {
  const values = {} as Record<N, string>;
  const fromSsm = names.filter(
    (name) => process.env[`SST_Secret_value_${name}`] === SST_PLACEHOLDER && !process.env[name],
  );
  const fetched = fromSsm.length > 0 ? await fetchSstSecrets(fromSsm) : new Map<string, string>();
  for (const name of names) {
    const value = process.env[name] || fetched.get(name);
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
  const ssm = new SSMClient({});
  const app = process.env.SST_APP ?? "";
  const stagePath = (name: string) => `${process.env.SST_SSM_PREFIX ?? ""}Secret/${name}/value`;
  const fallbackPath = (name: string) => `/sst/${app}/.fallback/Secret/${name}/value`;
  const found = new Map<string, string>();
  for (const pathOf of [stagePath, fallbackPath]) {
    const wanted = names.filter((n) => !found.has(n));
    // GetParameters takes at most 10 names a call.
    for (let i = 0; i < wanted.length; i += 10) {
      const batch = wanted.slice(i, i + 10);
      const result = await ssm.send(new GetParametersCommand({ Names: batch.map(pathOf), WithDecryption: true }));
      for (const parameter of result.Parameters ?? []) {
        const name = batch.find((n) => pathOf(n) === parameter.Name);
        if (name && parameter.Value) found.set(name, parameter.Value);
      }
    }
  }
  return found;
}
