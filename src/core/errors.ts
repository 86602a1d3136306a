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

/** The text the CLI prints on stderr for a UsageError: its message, then every problem indented. */
export function formatUsageError(error: UsageError, program = "aliyun-response-exporter"): string {
  const { message, problems } = error;
  if (problems.length === 1 && problems[0] === message) return `${program}: ${message}\n`;
  return `${program}: ${message}\n${problems.map((p) => `  ${p}\n`).join("")}`;
}
