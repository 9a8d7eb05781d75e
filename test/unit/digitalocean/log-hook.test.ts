import { startSandbox } from "@lifeboat/sandbox";
import { expect, it } from "vitest";
import { clientFor } from "./helpers";

it("reports a snapshot delete whose answer was lost, then found gone, as recovered", async () => {
  const sandbox = await startSandbox();
  try {
    const d = sandbox.addDroplet({ name: "gitlab" });
    const s = sandbox.state.addSnapshot(d.id, "old");
    sandbox.inject({ operationId: "snapshots_delete", fault: { kind: "drop", when: "after" } });
    const { client, logs } = clientFor(sandbox);
    await client.deleteSnapshot(String(s.id));
    expect(sandbox.state.snapshots.size).toBe(0);
    expect(logs.map((l) => l.event)).toEqual(["retry", "recovered"]);
    expect(logs[1]).toMatchObject({ operation: `delete snapshot ${s.id}`, reason: expect.stringMatching(/404/) });
  } finally {
    await sandbox.close();
  }
});
