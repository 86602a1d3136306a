/** A problem the user can fix (bad usage or config): printed without a stack, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    message: string,
    /** Every problem found, each with its path (`sources.0.paths: Required`). */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
  }
}
