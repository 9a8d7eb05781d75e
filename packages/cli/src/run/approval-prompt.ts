/**
 * Step 4 on your own machine: the routine's `approval.requested` is answered here instead of
 * in Slack. On a terminal the question is asked (node:readline, one droplet at a time);
 * `--yes` answers Approve; with neither, the approval is refused (Skip) and the output says
 * why. The answer goes back through the callback id, as Slack's does in Lambda.
 */
import { createInterface } from "node:readline/promises";
import type { ApprovalAnswer, ApprovalDecision, LifeboatEvent } from "@lifeboat/core";
import { human } from "../table";

type Requested = Extract<LifeboatEvent, { type: "approval.requested" }>;

export interface ApprovalPromptOptions {
  /** `--yes`, or the demo: approve without asking. */
  yes: boolean;
  /** Who answers, for the report (`cli:<user>`). */
  by: string;
  /** Where the question is asked: a terminal, or undefined when there is none. */
  terminal?: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream };
  say: (line: string) => void;
  pause: (paused: boolean) => void;
  answer: (callbackId: string, value: string) => void;
  /** Called when Ctrl-C is pressed while a question is open. */
  onInterrupt: () => void;
  /** Text for an auto-answer (the demo says that it answered for you). */
  autoNote?: string;
}

const CHOICES: Record<string, ApprovalDecision> = {
  a: "approve",
  approve: "approve",
  p: "postpone",
  postpone: "postpone",
  s: "skip",
  skip: "skip",
  l: "live",
  live: "live",
};

/** Makes the handler for `approval.requested`; questions are queued so two droplets never ask at once. */
export function approvalPrompt(options: ApprovalPromptOptions): {
  ask: (event: Requested) => void;
  close: () => void;
} {
  let queue = Promise.resolve();
  const abort = new AbortController();
  const reply = (event: Requested, decision: ApprovalDecision) => {
    const answer: ApprovalAnswer = { decision, by: options.by };
    options.answer(event.callbackId, JSON.stringify(answer));
  };
  const ask = (event: Requested) => {
    if (options.yes) {
      options.say(`          ${event.droplet}: approved ${options.autoNote ?? "(--yes)"}`);
      reply(event, "approve");
      return;
    }
    const terminal = options.terminal;
    if (!terminal) {
      options.say(
        `          ${event.droplet}: no terminal to ask and no --yes, so the power-off is refused (Skip). Run with --yes to approve.`,
      );
      reply(event, "skip");
      return;
    }
    queue = queue.then(async () => {
      options.pause(true);
      const rl = createInterface({ input: terminal.input, output: terminal.output, terminal: true });
      rl.on("SIGINT", () => {
        abort.abort();
        options.onInterrupt();
      });
      try {
        for (;;) {
          const text = await rl.question(
            `Power off ${event.droplet} for ~${human(event.expectedDowntimeSeconds)}? [a]pprove, [p]ostpone 1 h, [s]kip, [l]ive snapshot: `,
            { signal: abort.signal },
          );
          const decision = CHOICES[text.trim().toLowerCase()];
          if (decision) {
            reply(event, decision);
            return;
          }
          terminal.output.write("Please answer a, p, s or l.\n");
        }
      } catch {
        // aborted by Ctrl-C: the run is unwinding, the callback was rejected already
      } finally {
        rl.close();
        options.pause(false);
      }
    });
  };
  return { ask, close: () => abort.abort() };
}
