/** Defaults of the per-source limits: the config schema's defaults, and what a pipeline uses without one. */
export const DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_MULTILINE_BYTES = 8 * 1024 * 1024;
/** Default caps on the distinct values of the path labels (README "Container logs"). */
export const DEFAULT_PATH_LABEL_CAPS = { namespace: 100, pod: 1000, container: 200, workload: 500 } as const;
