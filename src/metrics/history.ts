import type { Cell } from "./cell-counter.js";
import { OTHER } from "./label-cap.js";

/** Responses, errors and throttled responses counted up to a moment (by read time). */
export interface Totals {
  readonly t: number;
  readonly responses: number;
  readonly errors: number;
  readonly throttled: number;
}

/** What happened in a window ending now. */
export interface Window extends Omit<Totals, "t"> {
  /** The window's real length (shorter than asked for while the exporter is young). */
  readonly seconds: number;
}

export interface Ranked {
  readonly value: string;
  readonly responses: number;
  readonly errors: number;
}

/** Totals are sampled this often; the windows and the chart are exact to this. */
export const TICK_MS = 10_000;
const MINUTE_MS = 60_000;
const HOUR_SAMPLES = 60 * (MINUTE_MS / TICK_MS) + 1;
/** Per-series counts are kept once a minute for this many minutes (the top tables' 15 minutes). */
const SERIES_MINUTES = 16;

/**
 * The recent past of `aliyun_api_responses_total` for the status page: rates over the last minutes,
 * responses per minute over the last hour, top codes and actions. Nothing on the counting path: a
 * timer calls `tick`, which reads the series' counts (at most `limits.maxSeries` of them) every
 * TICK_MS and keeps per-series counts once a minute.
 */
export class ResponseHistory {
  private readonly samples: Totals[] = [];
  private readonly minutes: { readonly t: number; readonly counts: Float64Array }[] = [];

  constructor(
    private readonly cells: () => readonly Cell[],
    private readonly now: () => number = Date.now,
  ) {
    this.tick();
  }

  /** Takes a sample when TICK_MS have passed since the last one (cheap to call more often). */
  tick(): void {
    const now = this.now();
    const last = this.samples[this.samples.length - 1];
    if (last === undefined || now - last.t >= TICK_MS) {
      this.samples.push(this.totals(now));
      if (this.samples.length > HOUR_SAMPLES) this.samples.shift();
    }
    const minute = this.minutes[this.minutes.length - 1];
    if (minute === undefined || now - minute.t >= MINUTE_MS) {
      this.minutes.push({ t: now, counts: Float64Array.from(this.cells(), (c) => c.n) });
      if (this.minutes.length > SERIES_MINUTES) this.minutes.shift();
    }
  }

  /** Counted in the last `ms` (or since the oldest sample, when younger). */
  window(ms: number): Window {
    const current = this.totals(this.now());
    const base = this.at(current.t - ms, this.samples) ?? this.oldest();
    return {
      responses: current.responses - base.responses,
      errors: current.errors - base.errors,
      throttled: current.throttled - base.throttled,
      seconds: Math.max(0, (current.t - base.t) / 1000),
    };
  }

  /** Responses per minute for the last `count` minutes, oldest first; minutes before the first sample are empty. */
  perMinute(count = 60): Totals[] {
    const current = this.totals(this.now());
    const out: Totals[] = [];
    for (let i = count; i >= 1; i--) {
      const start = current.t - i * MINUTE_MS;
      const from = this.at(start, this.samples);
      const to = i === 1 ? current : this.at(start + MINUTE_MS, this.samples);
      if (from === undefined && to === undefined) {
        out.push({ t: start, responses: 0, errors: 0, throttled: 0 });
        continue;
      }
      const a = from ?? this.oldest();
      const b = to ?? a;
      out.push({
        t: start,
        responses: b.responses - a.responses,
        errors: b.errors - a.errors,
        throttled: b.throttled - a.throttled,
      });
    }
    return out;
  }

  /** The `n` label values of `label` with the most errors (then responses) in the last `ms`. */
  top(label: "code" | "action", ms: number, n: number, errorsOnly: boolean): Ranked[] {
    const cells = this.cells();
    const base = this.at(this.now() - ms, this.minutes) ?? this.minutes[0];
    const by = new Map<string, { responses: number; errors: number }>();
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i] as Cell;
      const delta = cell.n - (base !== undefined && i < base.counts.length ? (base.counts[i] as number) : 0);
      if (delta <= 0) continue;
      const error = isError(cell.labels.category);
      if (errorsOnly && !error) continue;
      const value = cell.labels[label] ?? "";
      const entry = by.get(value) ?? { responses: 0, errors: 0 };
      entry.responses += delta;
      if (error) entry.errors += delta;
      by.set(value, entry);
    }
    return [...by.entries()]
      .map(([value, e]) => ({ value, ...e }))
      .sort((a, b) => b.errors - a.errors || b.responses - a.responses || a.value.localeCompare(b.value))
      .slice(0, n);
  }

  private totals(t: number): Totals {
    let responses = 0;
    let errors = 0;
    let throttled = 0;
    for (const cell of this.cells()) {
      responses += cell.n;
      const category = cell.labels.category;
      if (isError(category)) errors += cell.n;
      if (category === "throttling") throttled += cell.n;
    }
    return { t, responses, errors, throttled };
  }

  private oldest(): Totals {
    return this.samples[0] ?? { t: this.now(), responses: 0, errors: 0, throttled: 0 };
  }

  /** The latest entry taken at or before `t`. */
  private at<T extends { readonly t: number }>(t: number, list: readonly T[]): T | undefined {
    for (let i = list.length - 1; i >= 0; i--) {
      const entry = list[i] as T;
      if (entry.t <= t) return entry;
    }
    return undefined;
  }
}

/** The overflow series (category `__other__`, past maxSeries) is counted as a response only. */
function isError(category: string | undefined): boolean {
  return category !== "success" && category !== OTHER;
}
