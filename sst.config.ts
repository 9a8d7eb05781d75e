import type { SSTConfig } from "sst";
import { lifeboatApp } from "./stacks";

export default {
  config() {
    return { name: "lifeboat", region: process.env.AWS_REGION ?? "us-east-1" };
  },
  stacks: lifeboatApp,
} satisfies SSTConfig;
