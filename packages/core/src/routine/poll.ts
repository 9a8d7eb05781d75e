/**
 * Polling on the durable `waitForCondition`: one look per planned delay, each look's result
 * recorded, no API call repeated on replay. A look that throws (a 5xx storm the client gave
 * up on, a dropped connection) does not end the poll: it counts as "not yet", and only
 * `maxErrors` failed looks in a row end it.
 */
import type { DurableSteps, Wait } from "./durable";

export interface PollState<T> {
  done: boolean;
  /** What the last successful look saw. */
  value?: T;
  looks: number;
  /** Failed looks in a row, and the last one's message. */
  errors: number;
  lastError?: string;
  /** Why the poll ended without `done`: "deadline" or "errors". */
  gaveUp?: "deadline" | "errors";
}

export interface PollPlan {
  /** The wait after a look made `elapsed` seconds after the first look. */
  delay: (elapsed: number) => Wait;
  /** No look is planned later than this many seconds after the first one. */
  giveUpSeconds: number;
  maxErrors?: number;
}

/** Seconds from the first look to look number `looks + 1`, replaying the plan's delays (pure, so replays agree). */
export function elapsedBefore(plan: PollPlan, looks: number): number {
  let elapsed = 0;
  for (let i = 1; i < looks; i++) elapsed += plan.delay(elapsed).seconds;
  return elapsed;
}

/**
 * Looks until `look` says done, on the plan's schedule; `look` gets what the previous
 * successful look saw. The first look is made at once: wait before calling this when it
 * should come later.
 * @example await pollUntil(ctx, "wait for off", async () => { const d = await api.getDroplet(id); return { done: d.status === "off", value: d.status }; }, { delay: () => ({ seconds: 10 }), giveUpSeconds: 120 })
 */
export function pollUntil<T>(
  ctx: DurableSteps,
  name: string,
  look: (previous: T | undefined) => Promise<{ done: boolean; value: T }>,
  plan: PollPlan,
): Promise<PollState<T>> {
  const maxErrors = plan.maxErrors ?? 5;
  return ctx
    .waitForCondition<PollState<T>>(
      name,
      async (state) => {
        try {
          const seen = await look(state.value);
          return { ...state, done: seen.done, value: seen.value, looks: state.looks + 1, errors: 0 };
        } catch (error) {
          const errors = state.errors + 1;
          return {
            ...state,
            looks: state.looks + 1,
            errors,
            lastError: error instanceof Error ? error.message : String(error),
            ...(errors >= maxErrors ? { gaveUp: "errors" as const } : {}),
          };
        }
      },
      {
        initialState: { done: false, looks: 0, errors: 0 },
        waitStrategy: (state, attempt) => {
          if (state.done || state.gaveUp) return { shouldContinue: false };
          const elapsed = elapsedBefore(plan, attempt);
          const delay = plan.delay(elapsed);
          if (elapsed + delay.seconds > plan.giveUpSeconds) return { shouldContinue: false };
          return { shouldContinue: true, delay };
        },
      },
    )
    .then((state) => (state.done || state.gaveUp ? state : { ...state, gaveUp: "deadline" as const }));
}
