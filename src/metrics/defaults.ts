/** Defaults of the metric bounds (README, "Bounds on series and sizes"), shared with the config schema. */

/** Series per API metric; past it new label sets share one overflow series. */
export const DEFAULT_MAX_SERIES = 10_000;
/** Longer action, code and endpoint values are cut to this many characters. */
export const DEFAULT_MAX_LABEL_VALUE_LENGTH = 128;
/** A new API series is served at 0 this long before its count: Prometheus's default scrape interval. */
export const DEFAULT_NEW_SERIES_HOLD_MS = 60_000;
