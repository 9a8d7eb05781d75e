/**
 * The terminal approval prompt and the live view together, on a fake terminal (a stream that
 * says it is a TTY): progress lines that arrive while a question is open wait until it is
 * answered, and two droplets asking at once are asked one after the other.
 */
import { PassThrough } from "node:stream";
import type { LifeboatEvent } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { approvalPrompt } from "../../../packages/cli/src/run/approval-prompt";
import { ProgressView } from "../../../packages/cli/src/run/progress";
import { speedTime } from "../../../packages/cli/src/run/time-base";

const base = (droplet: string) => ({ runId: "weekly-1", plan: "weekly", droplet, at: "2026-12-06T03:00:00Z" });
const asks = (droplet: string, dropletId: number): LifeboatEvent => ({
  ...base(droplet),
  type: "approval.requested",
  callbackId: `cb-${droplet}`,
  dropletId,
  expectedDowntimeSeconds: 200,
  expiresAt: "2026-12-06T05:00:00Z",
  onTimeout: "skip",
  approvers: [],
  attempt: 1,
});

/** A terminal: what lifeboat writes, and a keyboard. */
function fakeTerminal() {
  let written = "";
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 120, rows: 40 });
  output.on("data", (d: Buffer) => {
    written += d.toString();
  });
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  const until = async (text: string) => {
    for (let i = 0; i < 200 && !written.includes(text); i++) await new Promise((r) => setTimeout(r, 10));
    expect(written).toContain(text);
  };
  return { input, output, written: () => written, until };
}

describe("approval prompt on a terminal", () => {
  it("holds progress lines while asking, and asks one droplet at a time", async () => {
    const term = fakeTerminal();
    const view = new ProgressView(term.output, speedTime(1));
    const answers: Array<[string, string]> = [];
    const prompt = approvalPrompt({
      yes: false,
      by: "cli:test",
      terminal: { input: term.input, output: term.output },
      say: (line) => view.say(line),
      pause: (paused) => view.pause(paused),
      answer: (id, value) => answers.push([id, JSON.parse(value).decision]),
      onInterrupt: () => undefined,
    });
    view.onApproval = prompt.ask;
    view.startLive();
    try {
      await view.emit({ ...base("*"), type: "run.started", trigger: "cli", droplets: ["gitlab", "ssh", "drone"] });
      await view.emit(asks("gitlab", 1));
      await view.emit(asks("ssh", 2));
      await term.until("Power off gitlab");
      // drone goes on meanwhile: its line must not land inside the open question.
      await view.emit({
        ...base("drone"),
        type: "droplet.powered_off",
        dropletId: 3,
        how: "shutdown",
        waitedSeconds: 40,
      });
      await new Promise((r) => setTimeout(r, 300)); // a footer redraw would come within 250 ms
      const asking = term.written().slice(term.written().indexOf("Power off gitlab"));
      expect(asking).not.toContain("powered off (shutdown");
      expect(asking).not.toContain("Power off ssh");
      expect(asking).not.toContain("▸"); // no footer redrawn under the question

      term.input.write("a\n");
      await term.until("Power off ssh");
      const afterFirst = term.written().slice(term.written().indexOf("Power off gitlab"));
      // The held line comes out between the two questions, never inside one.
      expect(afterFirst.indexOf("drone     powered off (shutdown")).toBeGreaterThan(0);
      expect(afterFirst.indexOf("drone     powered off (shutdown")).toBeLessThan(afterFirst.indexOf("Power off ssh"));

      term.input.write("s\n");
      for (let i = 0; i < 100 && answers.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(answers).toEqual([
        ["cb-gitlab", "approve"],
        ["cb-ssh", "skip"],
      ]);
    } finally {
      view.stop();
      prompt.close();
    }
  });
});
