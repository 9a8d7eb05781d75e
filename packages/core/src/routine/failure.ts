/** A failure of one phase of the routine, with the phase named for `run.failed`. */
export class PhaseError extends Error {
  constructor(
    readonly phase: string,
    message: string,
  ) {
    super(message);
    this.name = "PhaseError";
  }
}

/** The phase a failure names (a `PhaseError`), else `fallback`: the phase of the step that threw. */
export const phaseOf = (error: unknown, fallback: string): string =>
  error instanceof PhaseError ? error.phase : fallback;
