/**
 * Waiting in tests: on a condition or on a metric's change, never on a fixed time. `sleep` is only
 * for showing that something does NOT happen within a window (or for measuring over one).
 */

/**
 * Polls `probe` until `ok` holds for its value (by default: the value is truthy, for a probe that is
 * a condition), and returns that value. A probe that throws is
 * polled again. On timeout the error names what was awaited and the last value (or error) seen,
 * which is usually the whole diagnosis.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => T | Promise<T>,
  ok: (value: T) => boolean = Boolean,
  timeoutMs = 10_000,
  stepMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (ok(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const seen =
        lastError !== undefined
          ? `error ${lastError instanceof Error ? lastError.message : String(lastError)}`
          : JSON.stringify(last, null, 1)?.slice(0, 4000);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
    }
    await sleep(stepMs);
  }
}

/**
 * Reads a metric now and returns a function that waits until it has changed by exactly `delta`
 * from that value (after mtail's `ExpectExpvarDeltaWithDeadline`): take it before the action, await
 * it after. A change past `delta` fails at once rather than at the deadline, with what was seen.
 */
export async function expectMetricDelta(
  what: string,
  read: () => number | Promise<number>,
  delta: number,
  timeoutMs = 10_000,
): Promise<() => Promise<number>> {
  const start = await read();
  return async () => {
    const now = await waitUntil(
      `${what} to change by ${delta} from ${start}`,
      read,
      (v) => (delta >= 0 ? v - start >= delta : v - start <= delta),
      timeoutMs,
    );
    if (now - start !== delta)
      throw new Error(`${what} changed by ${now - start} (${start} to ${now}), want ${delta}`);
    return now;
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
