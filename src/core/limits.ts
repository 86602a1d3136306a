/** Defaults of the per-source limits (the config schema has the same; `analyze` without a config uses these). */
export const DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_MULTILINE_BYTES = 8 * 1024 * 1024;
