/**
 * cdk-nag (AwsSolutions) findings lifeboat accepts in every stack, each with its reason.
 * Findings about one resource are suppressed beside that resource, in its stack.
 */
import { Stack } from "aws-cdk-lib";
import { NagSuppressions } from "cdk-nag";
import type { App } from "sst/constructs";

export function acceptAppWideFindings(app: App): void {
  for (const stack of app.node.children) {
    if (!(stack instanceof Stack)) continue;
    NagSuppressions.addStackSuppressions(stack, [
      {
        id: "AwsSolutions-IAM4",
        appliesTo: ["Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
        reason:
          "AWS's managed policy that lets a function write its own CloudWatch logs and nothing else; SST attaches it to every function role.",
      },
      {
        id: "AwsSolutions-L1",
        reason:
          "lifeboat's functions run nodejs22.x on purpose: the Node its tests and CI run on (package.json) and the one the durable execution SDK targets; a newer runtime comes with a newer test Node. SST picks the runtime of its own deploy-time CustomResourceHandler.",
      },
    ]);
    // CDK's log-retention function (one per stack, made for `logRetention`: stacks/index.ts).
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith("LogRetention")) continue;
      NagSuppressions.addResourceSuppressions(
        child,
        [
          {
            id: "AwsSolutions-IAM5",
            appliesTo: ["Resource::*"],
            reason:
              "CDK's log-retention function sets the retention of the functions' log groups, which Lambda creates by name after deploy; its grant is logs:PutRetentionPolicy/DeleteRetentionPolicy only.",
          },
        ],
        true,
      );
    }
  }
}
