/**
 * Secrets in Lambda come from SST Config (SSM), bound to the function by its stack; they are
 * never in the function's environment. Read by name so this compiles before `sst types` ran.
 */
import { Config } from "sst/node/config";

export function secret(name: string): string {
  const value = (Config as unknown as Record<string, string | undefined>)[name];
  if (!value) throw new Error(`secret ${name} is not set: npx sst secrets set ${name} <value> --stage <stage>`);
  return value;
}
