import type { ApiResponse, Category } from "../core/records.js";
import { METRICS } from "./catalog.js";
import { type Cell, type CellCounter, clip } from "./cell-counter.js";
import { type LabelCap, OTHER } from "./label-cap.js";

type ByCategory = Map<Category, Cell>;
type ByStatus = Map<number | "unknown", ByCategory>;
/** action → code → status → category → series (one source's); one Map lookup per label keeps the hot path at ~100 ns. */
export type ResponseSeries = Map<string, Map<string, ByStatus>>;
/** endpoint → code → category → series. */
export type EndpointSeries = Map<string, Map<string, ByCategory>>;

export interface ApiLabelCaps {
  readonly action: LabelCap;
  readonly code: LabelCap;
  readonly endpoint: LabelCap;
}

export interface ApiSeriesBounds {
  /** Series per API metric; past it new label sets go to the metric's overflow series. */
  readonly maxSeries: number;
  /** Label values are cut to this many characters. */
  readonly maxLabelValueLength: number;
}

/**
 * The slow path of the two API metrics (README, "Bounds on series and sizes"): the series of a
 * label set not seen before, of a value past its cap or too long, or of a label set past maxSeries,
 * which goes to the overflow series and is not remembered (memory stays bounded; it comes back
 * here each time). The hot path looks the series up in the maps itself.
 */
export class ApiSeries {
  readonly endpoints: EndpointSeries = new Map();
  private responsesOther: Cell | undefined;
  private endpointOther: Cell | undefined;

  constructor(
    private readonly responses: CellCounter,
    private readonly endpointErrors: CellCounter,
    private readonly caps: ApiLabelCaps,
    private readonly bounds: ApiSeriesBounds,
    /** `label_overflow_total{label="series"}`. */
    private readonly seriesOverflow: Cell,
    /** The static label names of the sources (all `__other__` on the overflow series too). */
    private readonly staticNames: readonly string[],
  ) {}

  responseCell(series: ResponseSeries, staticLabels: Readonly<Record<string, string>>, r: ApiResponse): Cell {
    const max = this.bounds.maxLabelValueLength;
    const action = this.caps.action.admit(clip(r.action, max));
    const code = this.caps.code.admit(clip(r.code, max));
    const found = series.get(action)?.get(code)?.get(r.status)?.get(r.category);
    if (found !== undefined) return found;
    if (this.responses.cells.length >= this.bounds.maxSeries) {
      this.seriesOverflow.n++;
      this.responsesOther ??= this.responses.cell(
        allOther([...METRICS.responses.labels, ...this.staticNames]),
      );
      return this.responsesOther;
    }
    const byCategory = child(
      child(
        child(series, action, () => new Map()),
        code,
        () => new Map(),
      ),
      r.status,
      () => new Map(),
    );
    const cell = this.responses.cell({
      action,
      code,
      status: String(r.status),
      category: r.category,
      ...staticLabels,
    });
    byCategory.set(r.category, cell);
    return cell;
  }

  endpointCell(host: string, rawCode: string, category: Category): Cell {
    const max = this.bounds.maxLabelValueLength;
    const endpoint = this.caps.endpoint.admit(clip(host, max));
    // The same record's code was already counted (if replaced) by responseCell.
    const code = this.caps.code.resolve(clip(rawCode, max));
    const found = this.endpoints.get(endpoint)?.get(code)?.get(category);
    if (found !== undefined) return found;
    if (this.endpointErrors.cells.length >= this.bounds.maxSeries) {
      this.seriesOverflow.n++;
      this.endpointOther ??= this.endpointErrors.cell(allOther(METRICS.endpointErrors.labels));
      return this.endpointOther;
    }
    const byCategory = child(
      child(this.endpoints, endpoint, () => new Map()),
      code,
      () => new Map(),
    );
    const cell = this.endpointErrors.cell({ endpoint, code, category });
    byCategory.set(category, cell);
    return cell;
  }
}

function allOther(names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, OTHER]));
}

function child<K, C>(map: Map<K, C>, key: K, make: () => C): C {
  let next = map.get(key);
  if (next === undefined) {
    next = make();
    map.set(key, next);
  }
  return next;
}
