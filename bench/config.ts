/** How long loading and validating the sample config takes (the CLI and every Lambda cold start do it). */
import { parseConfig } from "@lifeboat/core";
import sample from "../lifeboat.config";

const rounds = 2000;
for (let i = 0; i < 200; i++) parseConfig(sample); // warm up
const start = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) parseConfig(sample);
const perParseUs = Number(process.hrtime.bigint() - start) / rounds / 1000;

console.log(`config validation: ${perParseUs.toFixed(1)} µs per parse of the sample config (${rounds} rounds)`);
console.log(JSON.stringify({ validateMicros: Number(perParseUs.toFixed(1)), rounds }));
