/**
 * The defaults that more than one module needs: the config schema declares them as its defaults
 * (README "Configuration"), and the modules that can also be used without a config (a pipeline,
 * the metrics, the server, a file source in tests) fall back to the same values. A default used in
 * one place only lives in the schema.
 */

/** Per-source limits on what is held in memory (README "Bounds on series and sizes"). */
export const DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_MULTILINE_BYTES = 8 * 1024 * 1024;

/** How long a file renamed away or deleted stays open after its last growth (README "Configuration"). */
export const DEFAULT_ROTATE_WAIT_MS = 5000;
/**
 * `run`: the longest one turn of the event loop spends examining lines before the rest goes on in
 * the next, so that one long line never blocks /healthz and /metrics (docs/design.md §3).
 */
export const RUN_TURN_MS = 20;

/** Series per API metric; past it new label sets share one overflow series (README "Bounds on series and sizes"). */
export const DEFAULT_MAX_SERIES = 10_000;
/** Longer action, code and endpoint values are cut to this many characters. */
export const DEFAULT_MAX_LABEL_VALUE_LENGTH = 128;
/** Messages of kept recent errors are cut to this many characters. */
export const DEFAULT_MAX_MESSAGE_LENGTH = 2048;
/** A new API series is served at 0 this long before its count: Prometheus's default scrape interval. */
export const DEFAULT_NEW_SERIES_HOLD_MS = 60_000;

/** Caps on the distinct values of the path labels (README "Container logs"). */
export const DEFAULT_PATH_LABEL_CAPS = { namespace: 100, pod: 1000, container: 200, workload: 500 } as const;

/** Caps on distinct label values of the API metrics, then the path labels' (README "Configuration"). */
export const DEFAULT_LABEL_CAPS = {
  action: 500,
  code: 300,
  endpoint: 200,
  ...DEFAULT_PATH_LABEL_CAPS,
} as const;

/** The HTTP server's timeouts (`server.requestTimeoutMs`, `server.headersTimeoutMs`). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 5000;

/**
 * Defaults and choices that the command line shares with the config: here rather than in the
 * schema, so that parsing the command line does not load the schema library.
 */
export const DEFAULT_LISTEN = "0.0.0.0:9787";
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export const DEFAULT_LOG_LEVEL = "info" satisfies (typeof LOG_LEVELS)[number];
export const START_AT = ["beginning", "end"] as const;
export const DEFAULT_START_AT = "end" satisfies (typeof START_AT)[number];
/** How lines are wrapped when nothing says (one of decoders/line-decoder.ts `LOG_FORMATS`): decided per file. */
export const DEFAULT_LOG_FORMAT = "auto";
