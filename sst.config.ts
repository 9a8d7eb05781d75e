import type { SSTConfig } from "sst";
import { Storage } from "./stacks/Storage";

export default {
  config() {
    return { name: "lifeboat", region: process.env.AWS_REGION ?? "us-east-1" };
  },
  stacks(app) {
    app.setDefaultFunctionProps({ runtime: "nodejs22.x", architecture: "arm_64" });
    app.stack(Storage);
  },
} satisfies SSTConfig;
