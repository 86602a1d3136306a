import type { TimerHandle, Timers } from "./types.js";

/** The process clock: `performance.now()` is monotonic, so a wall-clock jump cannot fire or stall a timeout. */
export const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle: TimerHandle) => clearTimeout(handle as NodeJS.Timeout),
};
