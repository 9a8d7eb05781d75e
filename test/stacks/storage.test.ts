import { Template } from "aws-cdk-lib/assertions";
import { App, getStack } from "sst/constructs";
import { initProject } from "sst/project.js";
import { beforeAll, describe, expect, it } from "vitest";
import { Storage } from "../../stacks/Storage";

describe("Storage stack", () => {
  let template: Template;
  beforeAll(async () => {
    await initProject({ stage: "test" });
    const app = new App({ mode: "deploy", stage: "test", region: "us-east-1" });
    app.stack(Storage);
    await app.finish();
    template = Template.fromStack(getStack(Storage));
  });

  it("creates exactly one archive bucket", () => {
    template.resourceCountIs("AWS::S3::Bucket", 1);
    expect(Object.keys(template.findOutputs("ArchiveBucket"))).toHaveLength(1);
  });
});
