import { describe, expect, it } from "vitest";
import type { Cell } from "../../../src/metrics/cell-counter.js";
import { CellCounter } from "../../../src/metrics/cell-counter.js";
import { ResponseHistory, TICK_MS } from "../../../src/metrics/history.js";

function setup() {
  let now = Date.UTC(2026, 0, 1, 12, 0, 0);
  const counter = new CellCounter({ name: "x_total", help: "x" }, { now: () => now });
  const series = (action: string, code: string, category: string): Cell =>
    counter.cell({ action, code, status: "400", category });
  const history = new ResponseHistory(
    () => counter.cells,
    () => now,
  );
  /** Advances the clock by `ms`, ticking every TICK_MS as the app's timer does. */
  const advance = (ms: number) => {
    for (let left = ms; left > 0; left -= TICK_MS) {
      now += Math.min(TICK_MS, left);
      history.tick();
    }
  };
  return { history, series, advance };
}

describe("ResponseHistory", () => {
  it("gives rates over 1, 5 and 15 minutes from the counts read in each window", () => {
    const { history, series, advance } = setup();
    const ok = series("Describe", "", "success");
    const throttled = series("Describe", "Throttling", "throttling");
    ok.n += 100;
    advance(10 * 60_000);
    ok.n += 50;
    throttled.n += 10;
    advance(4 * 60_000);
    throttled.n += 5;
    advance(60_000);
    // Counts made just after the tick at 10:00 and 14:00 belong to the windows that start there.
    expect(history.window(60_000)).toEqual({ responses: 5, errors: 5, throttled: 5, seconds: 60 });
    expect(history.window(5 * 60_000)).toEqual({ responses: 65, errors: 15, throttled: 15, seconds: 300 });
    expect(history.window(15 * 60_000)).toEqual({ responses: 165, errors: 15, throttled: 15, seconds: 900 });
    advance(60_000);
    expect(history.window(60_000)).toEqual({ responses: 0, errors: 0, throttled: 0, seconds: 60 });
  });

  it("is honest about a window longer than its uptime", () => {
    const { history, series, advance } = setup();
    advance(30_000);
    series("A", "", "success").n += 3;
    expect(history.window(15 * 60_000)).toEqual({ responses: 3, errors: 0, throttled: 0, seconds: 30 });
  });

  it("counts responses, errors and throttling per minute over the last hour", () => {
    const { history, series, advance } = setup();
    const ok = series("A", "", "success");
    const err = series("A", "InternalError", "server_error");
    advance(60_000);
    ok.n += 7;
    err.n += 2;
    advance(2 * 60_000);
    err.n += 1;
    const minutes = history.perMinute(60);
    expect(minutes).toHaveLength(60);
    // Counted at 1:00 and 3:00 (now): the minutes [1:00, 2:00) and the current one.
    expect(minutes.slice(-3).map((m) => [m.responses, m.errors, m.throttled])).toEqual([
      [0, 0, 0],
      [9, 2, 0],
      [1, 1, 0],
    ]);
    expect(minutes.slice(0, 57).every((m) => m.responses === 0)).toBe(true);
  });

  it("ranks codes (errors only) and actions over the last 15 minutes, ignoring older counts", () => {
    const { history, series, advance } = setup();
    const old = series("Old", "Forbidden", "auth_error");
    old.n += 1000;
    advance(20 * 60_000);
    series("Create", "Throttling", "throttling").n += 5;
    series("Describe", "InternalError", "server_error").n += 9;
    series("Describe", "", "success").n += 40;
    advance(60_000);
    expect(history.top("code", 15 * 60_000, 5, true)).toEqual([
      { value: "InternalError", responses: 9, errors: 9 },
      { value: "Throttling", responses: 5, errors: 5 },
    ]);
    expect(history.top("action", 15 * 60_000, 5, false)).toEqual([
      { value: "Describe", responses: 49, errors: 9 },
      { value: "Create", responses: 5, errors: 5 },
    ]);
  });

  it("keeps at most an hour of samples however often it is ticked", () => {
    const { history, advance } = setup();
    advance(3 * 3600_000);
    for (let i = 0; i < 1000; i++) history.tick();
    expect(history.perMinute(60)).toHaveLength(60);
    expect(history.window(3600_000).seconds).toBeLessThanOrEqual(3600);
  });
});
