import type { OpenMetricsContentType } from "prom-client";
import { Counter, collectDefaultMetrics, Gauge, type PrometheusContentType, Registry } from "prom-client";
import {
  DEFAULT_LABEL_CAPS,
  DEFAULT_MAX_LABEL_VALUE_LENGTH,
  DEFAULT_MAX_SERIES,
  DEFAULT_PATH_LABEL_CAPS,
} from "../core/limits.js";
import { type ApiResponse, addCounts, emptyCounts, type LineCounts } from "../core/records.js";
import { ApiSeries, type ResponseSeries } from "./api-series.js";
import { METRICS, RECORD_RESULTS, type RecordResult } from "./catalog.js";
import { type Cell, CellCounter, type CounterSpec } from "./cell-counter.js";
import { LabelCap } from "./label-cap.js";
import { type MetricsSnapshot, snapshotOf } from "./snapshot.js";
import { type StaticLabels, staticLabels } from "./static-labels.js";

/** Caps on distinct values per label; the path labels' values (sources[].pathLabels) are admitted once per file. */
export type LabelCaps = { readonly [label in keyof typeof DEFAULT_LABEL_CAPS]: number };
const PATH_LABEL_CAPS = Object.keys(DEFAULT_PATH_LABEL_CAPS);

/** Where one file's responses are counted: the source's static labels plus the file's own. */
export interface LabelGroup {
  readonly labels: Readonly<Record<string, string>>;
  readonly actions: ResponseSeries;
}

export interface ExporterMetricsOptions {
  /** Static labels per configured source name; they are added to `aliyun_api_responses_total`. */
  readonly sourceLabels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Caps on distinct label values; defaults DEFAULT_LABEL_CAPS (core/limits.ts). */
  readonly labelCaps?: Partial<LabelCaps>;
  /** The `version` label of `build_info`. */
  readonly version?: string;
  /** prom-client's default process/nodejs metrics (default true; `analyze --metrics` may turn them off). */
  readonly processMetrics?: boolean;
  /** A new API series is served at 0 this long before its count (default 0: at once; `run` sets it). */
  readonly newSeriesHoldMs?: number;
  /** Series per API metric (default DEFAULT_MAX_SERIES). */
  readonly maxSeries?: number;
  /** Label values are cut to this many characters (default DEFAULT_MAX_LABEL_VALUE_LENGTH). */
  readonly maxLabelValueLength?: number;
  /** The clock of the hold and of `_created` (tests). */
  readonly now?: () => number;
}

export interface MetricsText {
  readonly contentType: string;
  readonly body: string;
}

interface SourceState extends LabelGroup {
  /** Label groups of files with labels of their own, by their label values. */
  readonly groups: Map<string, LabelGroup>;
  readonly records: Readonly<Record<RecordResult, Cell>>;
  readonly bytes: Cell;
  readonly rotations: Cell;
  readonly truncations: Cell;
  readonly readErrors: Cell;
  readonly counts: LineCounts;
}

/**
 * Every metric of docs/design.md §6. The counters are Cells written out at scrape time (CellCounter); the
 * gauges and prom-client's process metrics live on an explicit pair of registries (plain text and
 * OpenMetrics). `recordBatch` is the hot path: it only bumps plain numbers.
 */
export class ExporterMetrics {
  private readonly plain = new Registry<PrometheusContentType>();
  private readonly open = new Registry<OpenMetricsContentType>();
  private readonly counters: CellCounter[] = [];
  private readonly statics: StaticLabels;
  private readonly sources = new Map<string, SourceState>();
  private readonly caps: { readonly action: LabelCap; readonly code: LabelCap; readonly endpoint: LabelCap };
  private readonly seriesOverflow: Cell;
  private readonly api: ApiSeries;
  /** Caps of the path labels, made when a file first has one (no overflow series otherwise). */
  private readonly pathCaps = new Map<string, LabelCap>();
  private readonly makeCap: (label: keyof LabelCaps) => LabelCap;

  private readonly responses: CellCounter;
  private readonly endpointErrors: CellCounter;
  private readonly records: CellCounter;
  private readonly bytesRead: CellCounter;
  private readonly rotations: CellCounter;
  private readonly truncations: CellCounter;
  private readonly readErrors: CellCounter;
  private readonly checkpointWrites: Cell;
  private readonly checkpointErrors: Cell;
  private readonly filesWatchedGauges: readonly Gauge[];
  private readonly sourceFilesGauges: readonly Gauge[];
  private readonly reloadOkGauges: readonly Gauge[];
  private readonly reloadTimeGauges: readonly Gauge[];

  constructor(options: ExporterMetricsOptions = {}) {
    this.open.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    this.statics = staticLabels(options.sourceLabels ?? {});
    const now = options.now ?? Date.now;
    const counter = (spec: CounterSpec, holdMs = 0) => {
      const c = new CellCounter(spec, { holdMs, now });
      this.counters.push(c);
      return c;
    };

    const hold = options.newSeriesHoldMs ?? 0;
    this.responses = counter(METRICS.responses, hold);
    this.endpointErrors = counter(METRICS.endpointErrors, hold);
    this.records = counter(METRICS.records);
    this.bytesRead = counter(METRICS.bytesRead);
    this.rotations = counter(METRICS.fileRotations);
    this.truncations = counter(METRICS.fileTruncations);
    this.readErrors = counter(METRICS.readErrors);
    this.checkpointWrites = counter(METRICS.checkpointWrites).cell({});
    this.checkpointErrors = counter(METRICS.checkpointErrors).cell({});

    const overflow = counter(METRICS.labelOverflow);
    const cap = (label: keyof LabelCaps) =>
      new LabelCap(label, options.labelCaps?.[label] ?? DEFAULT_LABEL_CAPS[label], overflow.cell({ label }));
    this.caps = { action: cap("action"), code: cap("code"), endpoint: cap("endpoint") };
    this.makeCap = cap;
    this.seriesOverflow = overflow.cell({ label: "series" });
    this.api = new ApiSeries(
      this.responses,
      this.endpointErrors,
      this.caps,
      {
        maxSeries: positive("maxSeries", options.maxSeries ?? DEFAULT_MAX_SERIES),
        maxLabelValueLength: positive(
          "maxLabelValueLength",
          options.maxLabelValueLength ?? DEFAULT_MAX_LABEL_VALUE_LENGTH,
        ),
      },
      this.seriesOverflow,
      this.statics.names,
    );

    const gauge = (spec: { name: string; help: string; labels: readonly string[] }) =>
      [this.plain, this.open].map(
        (r) => new Gauge({ name: spec.name, help: spec.help, labelNames: spec.labels, registers: [r] }),
      );
    this.filesWatchedGauges = gauge(METRICS.filesWatched);
    this.sourceFilesGauges = gauge(METRICS.sourceFiles);
    this.reloadOkGauges = gauge(METRICS.configLastReloadSuccessful);
    this.reloadTimeGauges = gauge(METRICS.configLastReloadSuccessTimestamp);
    for (const g of gauge(METRICS.buildInfo)) g.set({ version: options.version ?? "unknown" }, 1);

    if (options.processMetrics ?? true) {
      for (const registry of [this.plain, this.open]) {
        // The event-loop lag monitor samples every 10 ms by default, most of an idle exporter's CPU
        // (sidecar bench: ~0.4% of 0.7%); 100 ms is plenty for a lag histogram.
        collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
        // prom-client's nodejs_active_{handles,requests,resources}_total are gauges, which
        // `promtool check metrics` rejects ("non-counter metrics should not have _total suffix");
        // the same numbers stay available, split by type, in the unsuffixed gauges.
        for (const metric of registry.getMetricsAsArray()) {
          if (!(metric instanceof Counter) && metric.name.endsWith("_total"))
            registry.removeSingleMetric(metric.name);
        }
      }
    }
    // Configured sources show zeros from the first scrape, so rate() and alerts work at once.
    for (const source of Object.keys(options.sourceLabels ?? {})) this.source(source);
  }

  /**
   * The group a file's responses are counted in when it has labels of its own (path labels, which
   * must be among the source's label names). Values past their cap become `__other__`. Once per file.
   */
  labelGroup(source: string, own: Readonly<Record<string, string>>): LabelGroup {
    const state = this.source(source);
    const labels: Record<string, string> = { ...state.labels };
    for (const [name, value] of Object.entries(own)) {
      labels[name] = value === "" ? value : (this.pathCap(name)?.admit(value) ?? value);
    }
    const key = JSON.stringify(labels);
    let group = state.groups.get(key);
    if (group === undefined) {
      group = { labels, actions: new Map() };
      state.groups.set(key, group);
    }
    return group;
  }

  private pathCap(name: string): LabelCap | undefined {
    if (!PATH_LABEL_CAPS.includes(name)) return undefined;
    let cap = this.pathCaps.get(name);
    if (cap === undefined) {
      cap = this.makeCap(name as keyof LabelCaps);
      this.pathCaps.set(name, cap);
    }
    return cap;
  }

  /** Counts one batch (the frames of one chunk). No prom-client call here: see CellCounter. */
  recordBatch(
    source: string,
    responses: readonly ApiResponse[],
    counts: LineCounts,
    group?: LabelGroup,
  ): void {
    const state = this.sources.get(source) ?? this.source(source);
    const into = group ?? state;
    const actions = into.actions;
    const endpoints = this.api.endpoints;
    for (const r of responses) {
      const cell =
        actions.get(r.action)?.get(r.code)?.get(r.status)?.get(r.category) ??
        this.api.responseCell(actions, into.labels, r);
      cell.n++;
      if (r.error) {
        const host = r.hostId ?? "";
        cell.requestId = r.requestId;
        cell.hostId = host;
        const errors =
          endpoints.get(host)?.get(r.code)?.get(r.category) ??
          this.api.endpointCell(host, r.code, r.category);
        errors.n++;
        errors.requestId = r.requestId;
        errors.hostId = host;
      }
    }
    const records = state.records;
    records.response.n += counts.responses;
    records.malformed.n += counts.malformed;
    records.non_response.n += counts.nonResponse;
    records.oversized.n += counts.oversized;
    records.duplicate.n += counts.duplicate;
    state.bytes.n += counts.bytes;
    addCounts(state.counts, counts);
  }

  /** A source added by a reload shows zeros from the next scrape, as configured ones do from the first. */
  declareSource(source: string): void {
    this.source(source);
  }

  rotation(source: string): void {
    this.source(source).rotations.n++;
  }

  truncation(source: string): void {
    this.source(source).truncations.n++;
  }

  readError(source: string): void {
    this.source(source).readErrors.n++;
  }

  filesWatched(n: number): void {
    for (const g of this.filesWatchedGauges) g.set(n);
  }

  /** Files one source follows; `null` removes the source's series (a reload removed the source). */
  sourceFiles(source: string, n: number | null): void {
    for (const g of this.sourceFilesGauges) {
      if (n === null) g.remove({ source });
      else g.set({ source }, n);
    }
  }

  /** The outcome of a configuration load: the start (ok) or a reload. */
  configLoaded(ok: boolean, atMs: number = Date.now()): void {
    for (const g of this.reloadOkGauges) g.set(ok ? 1 : 0);
    if (ok) for (const g of this.reloadTimeGauges) g.set(Math.floor(atMs / 1000));
  }

  /** A reload's caps: values already admitted keep their series; the cap applies to new values. */
  setLabelCaps(caps: Partial<LabelCaps>): void {
    for (const c of Object.values(this.caps)) c.limit = caps[c.label as keyof LabelCaps] ?? c.limit;
  }

  checkpointWrite(ok: boolean): void {
    (ok ? this.checkpointWrites : this.checkpointErrors).n++;
  }

  /** Totals for the status page and `analyze` (label values after the caps). */
  snapshot(): MetricsSnapshot {
    const counts = emptyCounts();
    for (const state of this.sources.values()) addCounts(counts, state.counts);
    const overflow: Record<string, number> = {};
    for (const c of Object.values(this.caps)) overflow[c.label] = c.overflowed;
    overflow.series = this.seriesOverflow.n;
    return snapshotOf(this.responses.cells, counts, overflow);
  }

  /** Per source: what was read and how it was accounted for, for the status page. */
  sourceTotals(): Map<string, { bytes: number; lines: number; malformed: number; readErrors: number }> {
    const out = new Map<string, { bytes: number; lines: number; malformed: number; readErrors: number }>();
    for (const [name, s] of this.sources) {
      out.set(name, {
        bytes: s.counts.bytes,
        lines: s.counts.lines,
        malformed: s.counts.malformed,
        readErrors: s.readErrors.n,
      });
    }
    return out;
  }

  /** The series of `aliyun_api_responses_total`, for the status page's recent history. */
  get responseCells(): readonly Cell[] {
    return this.responses.cells;
  }

  /** One scrape: OpenMetrics (with exemplars and `_created`) or Prometheus text 0.0.4. */
  async metricsText(openMetrics: boolean): Promise<MetricsText> {
    const registry = openMetrics ? this.open : this.plain;
    let body = await registry.metrics();
    const lines: string[] = [];
    for (const c of this.counters) c.render(openMetrics, lines);
    if (openMetrics) body = body.slice(0, body.lastIndexOf("# EOF\n"));
    else if (body !== "\n") body += "\n";
    else body = "";
    return {
      contentType: registry.contentType,
      body: `${body}${lines.join("\n")}\n${openMetrics ? "# EOF\n" : ""}`,
    };
  }

  private source(name: string): SourceState {
    let state = this.sources.get(name);
    if (state !== undefined) return state;
    const records = {} as Record<RecordResult, Cell>;
    for (const result of RECORD_RESULTS) records[result] = this.records.cell({ source: name, result });
    state = {
      labels: this.statics.forSource(name),
      actions: new Map(),
      groups: new Map(),
      records,
      bytes: this.bytesRead.cell({ source: name }),
      rotations: this.rotations.cell({ source: name }),
      truncations: this.truncations.cell({ source: name }),
      readErrors: this.readErrors.cell({ source: name }),
      counts: emptyCounts(),
    };
    this.sources.set(name, state);
    return state;
  }
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
