/**
 * The configuration schema: the single source of the config types (`Config = z.infer<…>`) and of
 * their defaults. Every object is strict, so a misspelt key is an error rather than a silently
 * ignored setting. Option names carry their unit (`…Ms`, `…Bytes`).
 *
 * Paths are plain strings here; `load.ts` resolves relative ones against the config file's folder
 * after validation.
 */
import { z } from "zod";
import {
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_LABEL_CAPS,
  DEFAULT_LISTEN,
  DEFAULT_LOG_FORMAT,
  DEFAULT_LOG_LEVEL,
  DEFAULT_MAX_LABEL_VALUE_LENGTH,
  DEFAULT_MAX_MESSAGE_LENGTH,
  DEFAULT_MAX_MULTILINE_BYTES,
  DEFAULT_MAX_RECORD_BYTES,
  DEFAULT_MAX_SERIES,
  DEFAULT_NEW_SERIES_HOLD_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_ROTATE_WAIT_MS,
  DEFAULT_START_AT,
  LOG_LEVELS,
  START_AT,
} from "../core/limits.js";
import { LOG_FORMATS } from "../decoders/line-decoder.js";
import { catalogEntrySchema } from "../extract/catalog-schema.js";
import { DEFAULT_DEDUP_WINDOW_IDS } from "../extract/dedup.js";
import { labelNameProblem } from "../metrics/static-labels.js";
import { PRESET_NAMES } from "../parsers/sdk-text/presets.js";
import { DEFAULT_TEXT_SETTINGS, patternProblems } from "../parsers/sdk-text/rules.js";
import { PATH_LABELS } from "../sources/kubernetes-path.js";
import { describeValue } from "./problems.js";

/** The path that means "read standard input"; it must be the only path of its source. */
export const STDIN_PATH = "-";

export interface ListenAddress {
  /** Without brackets for IPv6 (`::`), ready for `server.listen(port, host)`. */
  readonly host: string;
  readonly port: number;
}

// HOST:PORT where HOST is a name or IPv4 address, or a bracketed IPv6 address (with an optional zone).
const LISTEN_RE = /^(?:\[([0-9A-Fa-f:.]+(?:%[\w.-]+)?)\]|([^\s:[\]/]+)):(\d{1,5})$/;

/** Splits a `HOST:PORT` / `[IPV6]:PORT` listen address; null when it is not one. */
export function parseListen(value: string): ListenAddress | null {
  const m = LISTEN_RE.exec(value);
  if (m === null) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  return { host: m[1] ?? m[2] ?? "", port };
}

function listenProblem(value: string): string {
  const m = /:(\d+)$/.exec(value);
  if (m !== null && Number(m[1]) > 65535) return `port must be 0-65535, got "${value}"`;
  // An unbracketed IPv6 address is the most likely mistake with colons in the host.
  if ((value.match(/:/g) ?? []).length > 1 && !value.startsWith("[")) {
    return `expected HOST:PORT, got "${value}" (write IPv6 addresses in brackets: [::]:9787)`;
  }
  return `expected HOST:PORT, got "${value}"`;
}

export const listenSchema = z.string().superRefine((value, ctx) => {
  if (parseListen(value) === null) ctx.addIssue({ code: "custom", message: listenProblem(value) });
});

export const logLevelSchema = z.enum(LOG_LEVELS);
export const startAtSchema = z.enum(START_AT);

const SOURCE_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;

const positiveInt = z.number().int().positive();

/**
 * Cross-field checks run even when a field has a problem (`when`), so that every problem is reported
 * in one go; they therefore read the value defensively, as it may not have the schema's shape yet.
 */
const always = { when: () => true };
const field = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;

/** Static labels of a source: valid Prometheus label names (`labelNameProblem`) with string values. */
const labelsSchema = z
  .record(
    z.string(),
    // YAML reads `version: 1.10` as the number 1.1, so numbers are refused rather than coerced.
    z.string({
      error: (iss) =>
        iss.input === undefined
          ? undefined
          : `expected a string, got ${describeValue(iss.input)} (quote the value)`,
    }),
  )
  .superRefine((labels, ctx) => {
    for (const name of Object.keys(labels)) {
      const message = labelNameProblem(name);
      if (message !== null) ctx.addIssue({ code: "custom", path: [name], message });
    }
  });

const pathsSchema = z
  .array(z.string().min(1))
  .min(1)
  .superRefine((paths, ctx) => {
    if (paths.length > 1 && paths.includes(STDIN_PATH)) {
      ctx.addIssue({ code: "custom", message: `"-" (stdin) must be the only path of its source` });
    }
  });

/** A user pattern for SDK error strings: compiled at start, named groups checked. */
const userPatternSchema = z.string().superRefine((pattern, ctx) => {
  for (const message of patternProblems(pattern)) ctx.addIssue({ code: "custom", message });
});

/** README "SDK error strings": which presets a source uses, and its own patterns. */
const sdkStringsSchema = z.strictObject({
  /** true: every preset; false: none; or the names of those to use. */
  presets: z
    .union([z.boolean(), z.array(z.string())], {
      error: "expected true, false or a list of preset names",
    })
    .superRefine((presets, ctx) => {
      if (typeof presets === "boolean") return;
      presets.forEach((name, i) => {
        if (!PRESET_NAMES.includes(name)) {
          ctx.addIssue({
            code: "custom",
            path: [i],
            message: `unknown preset "${name}" (presets: ${PRESET_NAMES.join(", ")})`,
          });
        }
      });
    })
    .default(DEFAULT_TEXT_SETTINGS.presets),
  patterns: z.array(userPatternSchema).default(() => [...DEFAULT_TEXT_SETTINGS.patterns]),
});

const sourceSchema = z.strictObject({
  name: z.string().regex(SOURCE_NAME_RE, {
    error: (iss) =>
      `must start with a letter or _ and hold only letters, digits, _ and -, got ${JSON.stringify(iss.input)}`,
  }),
  /** Globs, or `-` alone for stdin. */
  paths: pathsSchema,
  /** Globs; one without `/` matches a file's base name (`*.gz`), one with `/` its full path. */
  exclude: z.array(z.string().min(1)).default([]),
  startAt: startAtSchema.default(DEFAULT_START_AT),
  labels: labelsSchema.default({}),
  /** Longer lines/records are skipped and counted as oversized, without being held in memory. */
  maxRecordBytes: positiveInt.default(DEFAULT_MAX_RECORD_BYTES),
  /** Longest multi-line (pretty-printed) body held in memory while it is being framed. */
  maxMultilineBytes: positiveInt.default(DEFAULT_MAX_MULTILINE_BYTES),
  /** A last line without `\n` is taken as complete after this much idle time. */
  partialLineTimeoutMs: positiveInt.default(5000),
  pollIntervalMs: positiveInt.default(250),
  globIntervalMs: positiveInt.default(5000),
  /** How long a file renamed away or deleted stays open after its last growth (a writer may not have reopened yet). */
  rotateWaitMs: z.number().int().min(0).default(DEFAULT_ROTATE_WAIT_MS),
  /** How lines are wrapped: `auto` decides per file from its first non-blank line (README "Container logs"). */
  format: z.enum(LOG_FORMATS).default(DEFAULT_LOG_FORMAT),
  /** Kubernetes metadata of each file's path, added as labels (README "Container logs"). */
  pathLabels: z.array(z.enum(PATH_LABELS)).default([]),
  sdkStrings: sdkStringsSchema.prefault({}),
  /** README "One request, counted once": how many of the last request ids are remembered; 0: off. */
  dedupWindowIds: z.number().int().min(0).max(1_000_000).default(DEFAULT_DEDUP_WINDOW_IDS),
});

/** A path label listed twice, or also set as a static label of the source. */
function pathLabelProblems(source: unknown, i: number, ctx: z.RefinementCtx): void {
  const names = field(source, "pathLabels");
  const labels = field(source, "labels");
  if (!Array.isArray(names)) return;
  names.forEach((name: unknown, j) => {
    if (typeof name !== "string") return;
    const path = [i, "pathLabels", j];
    if (names.indexOf(name) !== j)
      ctx.addIssue({ code: "custom", path, message: `"${name}" is listed twice` });
    else if (typeof labels === "object" && labels !== null && Object.hasOwn(labels, name)) {
      ctx.addIssue({ code: "custom", path, message: `"${name}" is also a static label (labels.${name})` });
    }
  });
}

const sourcesSchema = z
  .array(sourceSchema)
  .min(1)
  .superRefine((sources: unknown, ctx) => {
    if (!Array.isArray(sources)) return;
    const firstByName = new Map<string, number>();
    let stdinAt: number | null = null;
    sources.forEach((source, i) => {
      pathLabelProblems(source, i, ctx);
      const name = field(source, "name");
      if (typeof name === "string") {
        const first = firstByName.get(name);
        if (first === undefined) firstByName.set(name, i);
        else {
          ctx.addIssue({
            code: "custom",
            path: [i, "name"],
            message: `duplicate source name "${name}" (also sources.${first}.name)`,
          });
        }
      }
      const paths = field(source, "paths");
      if (Array.isArray(paths) && paths.includes(STDIN_PATH)) {
        if (stdinAt === null) stdinAt = i;
        else {
          ctx.addIssue({
            code: "custom",
            path: [i, "paths"],
            message: `only one source can read stdin ("-"), sources.${stdinAt} already does`,
          });
        }
      }
    });
  }, always);

const tlsSchema = z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) });
/** The password is read from a file so that it stays out of the config (and out of `ps`). */
const basicAuthSchema = z.strictObject({ username: z.string().min(1), passwordFile: z.string().min(1) });

const serverSchema = z
  .strictObject({
    requestTimeoutMs: positiveInt.default(DEFAULT_REQUEST_TIMEOUT_MS),
    headersTimeoutMs: positiveInt.default(DEFAULT_HEADERS_TIMEOUT_MS),
    tls: tlsSchema.nullable().default(null),
    basicAuth: basicAuthSchema.nullable().default(null),
  })
  .superRefine((server: unknown, ctx) => {
    // Node's http server refuses a headers timeout longer than the request timeout.
    const request = field(server, "requestTimeoutMs");
    const headers = field(server, "headersTimeoutMs");
    if (typeof request === "number" && typeof headers === "number" && headers > request) {
      ctx.addIssue({
        code: "custom",
        path: ["headersTimeoutMs"],
        message: `must not exceed server.requestTimeoutMs (${request}), got ${headers}`,
      });
    }
  }, always);

// Nested objects use `.prefault({})` so that an absent section is parsed, and gets its inner defaults.
export const configSchema = z.strictObject({
  listen: listenSchema.default(DEFAULT_LISTEN),
  logLevel: logLevelSchema.default(DEFAULT_LOG_LEVEL),
  sources: sourcesSchema,
  checkpoint: z
    .strictObject({
      /** null: no checkpoints (every start follows `startAt`). */
      dir: z.string().min(1).nullable().default(null),
      intervalMs: positiveInt.default(5000),
    })
    .prefault({}),
  labelCaps: z
    .strictObject({
      action: positiveInt.default(DEFAULT_LABEL_CAPS.action),
      code: positiveInt.default(DEFAULT_LABEL_CAPS.code),
      endpoint: positiveInt.default(DEFAULT_LABEL_CAPS.endpoint),
      // Values of the path labels (sources[].pathLabels), counted once per file.
      namespace: positiveInt.default(DEFAULT_LABEL_CAPS.namespace),
      pod: positiveInt.default(DEFAULT_LABEL_CAPS.pod),
      container: positiveInt.default(DEFAULT_LABEL_CAPS.container),
      workload: positiveInt.default(DEFAULT_LABEL_CAPS.workload),
    })
    .prefault({}),
  recentErrors: z.strictObject({ size: z.number().int().min(0).max(10_000).default(100) }).prefault({}),
  /** Bounds on what the exporter keeps and serves (README, "Bounds on series and sizes"). */
  limits: z
    .strictObject({
      /** Series per API metric; past it new label sets share one `__other__` series. */
      maxSeries: positiveInt.default(DEFAULT_MAX_SERIES),
      /** Action, code and endpoint label values are cut to this many characters. */
      maxLabelValueLength: positiveInt.default(DEFAULT_MAX_LABEL_VALUE_LENGTH),
      /** Messages of recent errors are cut to this many characters. */
      maxMessageLength: positiveInt.default(DEFAULT_MAX_MESSAGE_LENGTH),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      /** A new API series is served at 0 this long before its count: at least one scrape interval. */
      newSeriesHoldMs: z.number().int().min(0).default(DEFAULT_NEW_SERIES_HOLD_MS),
    })
    .prefault({}),
  /** Mask AccessKey ids, tokens, signatures and Authorization values in everything served or printed. */
  redact: z.boolean().default(true),
  /** Merged over `config/error-codes.yaml`: later files win over earlier ones, `codes` win over files. */
  errorCodes: z
    .strictObject({
      files: z.array(z.string().min(1)).default([]),
      codes: z.array(catalogEntrySchema).default([]),
    })
    .prefault({}),
  server: serverSchema.prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type SourceConfig = Config["sources"][number];
export type StartAt = SourceConfig["startAt"];
