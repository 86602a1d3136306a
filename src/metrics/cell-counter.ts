import { Counter, type OpenMetricsContentType, type PrometheusContentType, type Registry } from "prom-client";

/**
 * One series of a counter as the hot path sees it: a plain number that `recordBatch` bumps.
 * prom-client is fed at scrape time, in the counter's `collect()`, with the difference since the
 * last scrape. Measured in /work/shared/reference/parser-performance.md (d): `cell.n++` in nested
 * Maps plus a flush in `collect()` costs 92 ns per record, prom-client's `inc()` with 4 labels ~500 ns.
 */
export interface Cell {
  /** The full label set, built once when the series is first seen. */
  readonly labels: Readonly<Record<string, string>>;
  n: number;
  /** What each view (plain text, OpenMetrics) has been given so far; -1 = series not exposed yet. */
  readonly pushed: [number, number];
  /** The latest error's ids in this series, for the OpenMetrics exemplar; null for successes. */
  requestId: string | null;
  hostId: string;
}

/** OpenMetrics caps an exemplar's label set (names + values) at 128 UTF-8 characters. */
const EXEMPLAR_MAX_CHARS = 128;
const REQUEST_ID = "request_id";
const HOST_ID = "host_id";

/**
 * A counter served from two registries: the plain Prometheus one and the OpenMetrics one that
 * carries exemplars. Two prom-client Counter objects are needed because prom-client 15.1.3 refuses
 * `enableExemplars` on a Prometheus-text registry, and its OpenMetrics rendering renames the
 * counter object in place (drops `_total`), so one object cannot serve both formats.
 */
export class CellCounter {
  readonly cells: Cell[] = [];

  constructor(
    spec: { readonly name: string; readonly help: string },
    labelNames: readonly string[],
    plain: Registry<PrometheusContentType>,
    open: Registry<OpenMetricsContentType>,
  ) {
    const cells = this.cells;
    new Counter({
      name: spec.name,
      help: spec.help,
      labelNames,
      registers: [plain],
      collect() {
        for (const cell of cells) flushPlain(this, cell);
      },
    });
    new Counter({
      name: spec.name,
      help: spec.help,
      labelNames,
      registers: [open],
      enableExemplars: true,
      collect() {
        for (const cell of cells) flushOpen(this, cell);
      },
    });
  }

  /** A new series; exposed as 0 at the next scrape even if never incremented. */
  cell(labels: Readonly<Record<string, string>>): Cell {
    const cell: Cell = { labels, n: 0, pushed: [-1, -1], requestId: null, hostId: "" };
    this.cells.push(cell);
    return cell;
  }

  total(): number {
    let sum = 0;
    for (const cell of this.cells) sum += cell.n;
    return sum;
  }
}

function flushPlain(counter: Counter<string>, cell: Cell): void {
  const before = cell.pushed[0];
  if (before >= 0 && cell.n === before) return;
  counter.inc(cell.labels, cell.n - Math.max(before, 0));
  cell.pushed[0] = cell.n;
}

function flushOpen(counter: Counter<string>, cell: Cell): void {
  const before = cell.pushed[1];
  if (before >= 0 && cell.n === before) return;
  const delta = cell.n - Math.max(before, 0);
  cell.pushed[1] = cell.n;
  if (cell.requestId === null || delta === 0) {
    counter.inc({ labels: cell.labels, value: delta });
    return;
  }
  // The exemplar stands for one response (value 1), not for the whole batch delta.
  if (delta > 1) counter.inc({ labels: cell.labels, value: delta - 1 });
  counter.inc({ labels: cell.labels, value: 1, exemplarLabels: exemplarLabels(cell.requestId, cell.hostId) });
}

/** `{request_id, host_id}`, shortened (host id first) to fit the OpenMetrics 128-character limit. */
export function exemplarLabels(requestId: string, hostId: string): Record<string, string> {
  const budget = EXEMPLAR_MAX_CHARS - REQUEST_ID.length - HOST_ID.length;
  const rid = clip(requestId, budget);
  return { [REQUEST_ID]: rid, [HOST_ID]: clip(hostId, budget - rid.length) };
}

/** At most `max` UTF-16 units, without leaving half of a surrogate pair at the end. */
function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
