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
