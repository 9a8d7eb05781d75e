/**
 * The plan configuration inside a Lambda function. The stacks validate lifeboat.config.ts at
 * deploy and inline the result (esbuild `define`, see stacks/bundling.ts), so a function does
 * not carry the validator (zod) or validate again on every cold start. Run unbundled (tests,
 * tsx) it validates the file here.
 */
import { type LifeboatConfig, validateConfig } from "@lifeboat/core";
import rawConfig from "../lifeboat.config";

declare const LIFEBOAT_VALIDATED_CONFIG: LifeboatConfig;
declare const LIFEBOAT_CONFIG_INLINED: boolean;

export const config: LifeboatConfig =
  typeof LIFEBOAT_CONFIG_INLINED !== "undefined" && LIFEBOAT_CONFIG_INLINED
    ? LIFEBOAT_VALIDATED_CONFIG
    : validateConfig(rawConfig);
