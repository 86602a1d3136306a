/**
 * The one place where the exporter's metrics are declared (docs/design.md §6): name, type, help and labels.
 * The registry, the docs, the Prometheus rules and the Grafana dashboard are tested against it, so a
 * renamed metric breaks a test, not a dashboard.
 */

export interface MetricSpec {
  readonly name: string;
  readonly type: "counter" | "gauge";
  readonly help: string;
  /** Fixed labels; `sourceLabels: true` adds the configured static labels of the sources. */
  readonly labels: readonly string[];
  readonly sourceLabels?: boolean;
}

export const METRICS = {
  responses: {
    name: "aliyun_api_responses_total",
    type: "counter",
    help: "Alibaba Cloud API responses found in the logs, by action, error code, HTTP status and category.",
    labels: ["action", "code", "status", "category"],
    sourceLabels: true,
  },
  endpointErrors: {
    name: "aliyun_api_endpoint_errors_total",
    type: "counter",
    help: "Alibaba Cloud API error responses by endpoint (HostId), error code and category.",
    labels: ["endpoint", "code", "category"],
  },
  records: {
    name: "aliyun_response_exporter_records_total",
    type: "counter",
    help: "Records read, by outcome: response, malformed, non_response, oversized or duplicate.",
    labels: ["source", "result"],
  },
  bytesRead: {
    name: "aliyun_response_exporter_bytes_read_total",
    type: "counter",
    help: "Bytes read from the sources.",
    labels: ["source"],
  },
  filesWatched: {
    name: "aliyun_response_exporter_files_watched",
    type: "gauge",
    help: "Files currently open for reading.",
    labels: [],
  },
  sourceFiles: {
    name: "aliyun_response_exporter_source_files",
    type: "gauge",
    help: "Files a source currently follows; 0 means its paths match no file (see the NoFiles alert).",
    labels: ["source"],
  },
  fileRotations: {
    name: "aliyun_response_exporter_file_rotations_total",
    type: "counter",
    help: "Rotations by rename (a new file took the path) that were followed.",
    labels: ["source"],
  },
  fileTruncations: {
    name: "aliyun_response_exporter_file_truncations_total",
    type: "counter",
    help: "Truncations (copytruncate) detected; the file is read again from its start.",
    labels: ["source"],
  },
  readErrors: {
    name: "aliyun_response_exporter_read_errors_total",
    type: "counter",
    help: "Errors while opening, reading or statting a source file.",
    labels: ["source"],
  },
  labelOverflow: {
    name: "aliyun_response_exporter_label_overflow_total",
    type: "counter",
    help: "Label values replaced by __other__ because the label reached its cap of distinct values.",
    labels: ["label"],
  },
  checkpointWrites: {
    name: "aliyun_response_exporter_checkpoint_writes_total",
    type: "counter",
    help: "Checkpoint files written.",
    labels: [],
  },
  checkpointErrors: {
    name: "aliyun_response_exporter_checkpoint_errors_total",
    type: "counter",
    help: "Checkpoint writes that failed.",
    labels: [],
  },
  configLastReloadSuccessful: {
    name: "aliyun_response_exporter_config_last_reload_successful",
    type: "gauge",
    help: "1 when the last configuration (re)load succeeded, 0 when it failed and the previous one runs on.",
    labels: [],
  },
  configLastReloadSuccessTimestamp: {
    name: "aliyun_response_exporter_config_last_reload_success_timestamp_seconds",
    type: "gauge",
    help: "Unix time of the last successful configuration load (the start, or a reload).",
    labels: [],
  },
  buildInfo: {
    name: "aliyun_response_exporter_build_info",
    type: "gauge",
    help: "Always 1; the version label says which build is running.",
    labels: ["version"],
  },
} as const satisfies Record<string, MetricSpec>;

/** Values of `records_total{result}`. */
export const RECORD_RESULTS = ["response", "malformed", "non_response", "oversized", "duplicate"] as const;
export type RecordResult = (typeof RECORD_RESULTS)[number];

/** Every metric name the exporter serves, besides prom-client's default process metrics. */
export const METRIC_NAMES: readonly string[] = Object.values(METRICS).map((m) => m.name);
