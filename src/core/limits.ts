/** Defaults of the per-source limits: the config schema's defaults, and what a pipeline uses without one. */
export const DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_MULTILINE_BYTES = 8 * 1024 * 1024;
