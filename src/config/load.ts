/**
 * Loads the configuration: YAML file + environment + command-line flags, validated as a whole.
 *
 * Precedence, highest first: command-line flags (`overrides`) > environment > file > schema defaults.
 * Every problem (YAML syntax, schema, bad flag values) is collected and thrown as one UsageError, so
 * the user fixes everything in one go; the CLI prints it with `formatUsageError` and exits 2.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { UsageError } from "../core/errors.js";
import { configErrorMap, issuesToProblems } from "./problems.js";
import { checkReferencedFiles, type DirMode } from "./referenced-files.js";
import {
  type Config,
  configSchema,
  listenSchema,
  logLevelSchema,
  STDIN_PATH,
  type StartAt,
  startAtSchema,
} from "./schema.js";

export { formatUsageError } from "./problems.js";

export const ENV = {
  /** The config file, when no `--config` is given. */
  config: "ALIYUN_RESPONSE_EXPORTER_CONFIG",
  /** The listen address, over the file's `listen`. */
  listen: "ALIYUN_RESPONSE_EXPORTER_LISTEN",
  /** The log level, over the file's `logLevel`. */
  logLevel: "ALIYUN_RESPONSE_EXPORTER_LOG_LEVEL",
} as const;

/** Values given on the command line; each wins over the environment and the file. */
export interface ConfigOverrides {
  listen?: string;
  checkpointDir?: string;
  /** Applies to every source. */
  startAt?: StartAt;
  /** Positional paths/globs: replace the file's sources with one source named `cli`; `-` is stdin. */
  paths?: string[];
  logLevel?: string;
}

export interface LoadConfigInput {
  file?: string;
  overrides?: ConfigOverrides;
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Folder that relative command-line paths resolve against; defaults to `process.cwd()`. */
  cwd?: string;
}

/** The name of the source made from positional paths. */
export const CLI_SOURCE_NAME = "cli";

type Raw = Record<string, unknown>;
const isMapping = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

/** An unset variable and an empty one mean the same (`FOO= cmd` is how people unset things). */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

export function loadConfig(input: LoadConfigInput = {}): Config {
  const env = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  const overrides = input.overrides ?? {};
  const file = input.file ?? envValue(env, ENV.config);
  const problems: string[] = [];

  let raw: unknown = {};
  let yamlBroken = false;
  if (file !== undefined) {
    const read = readYaml(file, path.resolve(cwd, file));
    raw = read.value;
    yamlBroken = read.problems.length > 0;
    problems.push(...read.problems);
  }

  // Flag and environment values are checked on their own, so a problem names the flag, not a path.
  // A given flag makes the variable irrelevant, even when the flag's value is wrong.
  const listen =
    overrides.listen !== undefined
      ? pick(problems, "--listen", listenSchema, overrides.listen)
      : pick(problems, ENV.listen, listenSchema, envValue(env, ENV.listen));
  const logLevel =
    overrides.logLevel !== undefined
      ? pick(problems, "--log-level", logLevelSchema, overrides.logLevel)
      : pick(problems, ENV.logLevel, logLevelSchema, envValue(env, ENV.logLevel));
  const startAt = pick(problems, "--start-at", startAtSchema, overrides.startAt);

  // A broken YAML document half-parses into misleading shapes: report its syntax errors alone.
  if (!yamlBroken) {
    const merged = isMapping(raw) ? applyOverrides(raw, { listen, logLevel, startAt }, overrides, cwd) : raw;
    const result = configSchema.safeParse(merged, { error: configErrorMap });
    const issues = result.success ? [] : [...result.error.issues];
    // Paths given on the command line replace the file's sources, which are still checked: the
    // whole file is (README "Configuration"), as check-config and run without paths check it.
    const replaced = overrides.paths !== undefined && overrides.paths.length > 0;
    if (replaced && isMapping(merged) && isMapping(raw) && raw.sources !== undefined) {
      const own = configSchema.safeParse({ ...merged, sources: raw.sources }, { error: configErrorMap });
      if (!own.success) issues.push(...own.error.issues.filter((issue) => issue.path[0] === "sources"));
    }
    if (result.success && issues.length === 0 && problems.length === 0) {
      return resolveRelativePaths(
        result.data,
        file === undefined ? cwd : path.dirname(path.resolve(cwd, file)),
      );
    }
    const hint =
      file === undefined ? "give a config file (--config) or paths to read" : "list at least one source";
    for (const problem of issuesToProblems(configSchema, issues)) {
      problems.push(problem === "sources: Required" ? `${problem} (${hint})` : problem);
    }
  }

  const where = file === undefined ? "" : ` in ${file}`;
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  throw new UsageError(`invalid configuration${where} (${count})`, problems);
}

/**
 * What `run` and a reload use: the config, and every file it names checked (catalogues, TLS,
 * password, checkpoint directory, which is created). One UsageError lists every problem.
 */
export function loadCheckedConfig(input: LoadConfigInput = {}, dirMode: DirMode = "create"): Config {
  const config = loadConfig(input);
  const file = input.file ?? envValue(input.env ?? process.env, ENV.config);
  checkReferencedFiles(config, dirMode, file === undefined ? "" : ` in ${file}`);
  return config;
}

/**
 * Validates one config file on its own (no environment, no flags): the `check-config` command. It
 * checks what `run` checks; a checkpoint directory it had to create to know is removed again.
 */
export function checkConfig(file: string): Config {
  return loadCheckedConfig({ file, env: {} }, "probe");
}

/** The file's settings with the (already checked) flag and environment values written over them. */
function applyOverrides(
  raw: Raw,
  checked: { listen: string | undefined; logLevel: string | undefined; startAt: StartAt | undefined },
  overrides: ConfigOverrides,
  cwd: string,
): Raw {
  const merged = { ...raw };
  if (checked.listen !== undefined) merged.listen = checked.listen;
  if (checked.logLevel !== undefined) merged.logLevel = checked.logLevel;
  if (overrides.checkpointDir !== undefined) {
    const checkpoint = isMapping(merged.checkpoint) ? merged.checkpoint : {};
    merged.checkpoint = { ...checkpoint, dir: path.resolve(cwd, overrides.checkpointDir) };
  }
  // An empty list is what a CLI parser gives when there are no positional arguments: not an override.
  if (overrides.paths !== undefined && overrides.paths.length > 0) {
    const paths = overrides.paths.map((p) => (p === STDIN_PATH ? p : path.resolve(cwd, p)));
    merged.sources = [{ name: CLI_SOURCE_NAME, paths }];
  }
  const startAt = checked.startAt;
  if (startAt !== undefined && Array.isArray(merged.sources)) {
    merged.sources = merged.sources.map((s: unknown) => (isMapping(s) ? { ...s, startAt } : s));
  }
  return merged;
}

/** A flag or environment value checked with its field's schema; a problem is named after the flag. */
function pick<T>(problems: string[], name: string, schema: z.ZodType<T>, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  const result = schema.safeParse(value, { error: configErrorMap });
  if (result.success) return result.data;
  for (const issue of result.error.issues) problems.push(`${name}: ${issue.message}`);
  return undefined;
}

/** `file` as the user gave it (for messages), `absolute` to read. */
function readYaml(file: string, absolute: string): { value: unknown; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(absolute, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "";
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : String(err);
    return { value: undefined, problems: [`${file}: cannot read the config file: ${reason}`] };
  }
  // merge: `<<: *defaults` lets sources share settings; duplicate keys are errors (yaml's default).
  const doc = parseDocument(text, { merge: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const at = e.linePos?.[0];
      const message = e.message.replace(/ at line \d+, column \d+:[\s\S]*$/, "");
      return at === undefined ? `yaml: ${message}` : `line ${at.line}, column ${at.col}: ${message}`;
    });
    return { value: undefined, problems };
  }
  const value = doc.toJS() as unknown;
  // An empty file (or one with only comments) is an empty mapping, so the defaults and "Required" apply.
  return { value: value ?? {}, problems: [] };
}

/**
 * Relative paths in the file are relative to the file's folder, so a config works from any working
 * directory. Command-line paths were already made absolute against the working directory.
 */
function resolveRelativePaths(config: Config, baseDir: string): Config {
  const abs = (p: string) => path.resolve(baseDir, p);
  return {
    ...config,
    sources: config.sources.map((s) => ({
      ...s,
      paths: s.paths.map((p) => (p === STDIN_PATH ? p : abs(p))),
      // A pattern without "/" matches base names wherever the file is, so it stays as written.
      exclude: s.exclude.map((p) => (p.includes("/") ? abs(p) : p)),
    })),
    checkpoint: {
      ...config.checkpoint,
      dir: config.checkpoint.dir === null ? null : abs(config.checkpoint.dir),
    },
    errorCodes: { ...config.errorCodes, files: config.errorCodes.files.map(abs) },
    server: {
      ...config.server,
      tls:
        config.server.tls === null
          ? null
          : { certFile: abs(config.server.tls.certFile), keyFile: abs(config.server.tls.keyFile) },
      basicAuth:
        config.server.basicAuth === null
          ? null
          : { ...config.server.basicAuth, passwordFile: abs(config.server.basicAuth.passwordFile) },
    },
  };
}
