/**
 * The subcommands, their flags and what each runs (README "Commands"). Adding a flag is one row
 * here: the parser, `--help` and the "did you mean" of a typo all read this table.
 */
import type { ConfigOverrides } from "../config/load.js";
import type { Config, StartAt } from "../config/schema.js";
import { UsageError } from "../core/errors.js";
import {
  DEFAULT_LISTEN,
  DEFAULT_LOG_FORMAT,
  DEFAULT_LOG_LEVEL,
  DEFAULT_START_AT,
  LOG_LEVELS,
  START_AT,
} from "../core/limits.js";
import { VERSION } from "../core/version.js";
import { LOG_FORMATS, type LogFormat } from "../decoders/line-decoder.js";
import { type CommandSpec, type FlagSpec, type ParsedArgs, PROGRAM } from "./args.js";

const ENV_CONFIG = "ALIYUN_RESPONSE_EXPORTER_CONFIG";

const CONFIG_FLAG: FlagSpec = {
  name: "config",
  short: "c",
  value: "FILE",
  help: `YAML config file (every key: README "Configuration").`,
  default: `$${ENV_CONFIG}, else none`,
};

const NO_REDACT_FLAG: FlagSpec = {
  name: "no-redact",
  help: "Show AccessKey ids, tokens and signatures in messages unmasked (local debugging only).",
  default: "masked (the config's redact: true)",
};

const str = (args: ParsedArgs, name: string): string | undefined => {
  const v = args.values[name];
  return typeof v === "string" ? v : undefined;
};

const run: CommandSpec = {
  name: "run",
  summary: "tail log files and serve /metrics, the status page and recent errors (the default)",
  operands: "[PATH_OR_GLOB ...]",
  description: `Tails the configured sources, or the PATH_OR_GLOB operands (one source named "cli"; - is stdin),
and serves Prometheus metrics on /metrics. SIGHUP (and POST /-/reload with --enable-reload)
reloads the config keeping every counter and checkpoint; SIGTERM and SIGINT stop cleanly.
Exit status: 0 stopped cleanly, 1 runtime failure, 2 bad usage or config.`,
  flags: [
    CONFIG_FLAG,
    {
      name: "listen",
      value: "HOST:PORT",
      help: "Address of the HTTP listener.",
      default: `$ALIYUN_RESPONSE_EXPORTER_LISTEN, else the config's listen, ${DEFAULT_LISTEN}`,
    },
    {
      name: "checkpoint-dir",
      value: "DIR",
      help: "Directory for read positions kept across restarts.",
      default: "the config's checkpoint.dir, none",
    },
    {
      name: "start-at",
      value: "beginning|end",
      choices: START_AT,
      help: "Where every source starts in a file without a checkpoint.",
      default: `each source's startAt, ${DEFAULT_START_AT}`,
    },
    {
      name: "log-level",
      value: "LEVEL",
      choices: LOG_LEVELS,
      help: `Log level: ${LOG_LEVELS.join(", ")}.`,
      default: `$ALIYUN_RESPONSE_EXPORTER_LOG_LEVEL, else the config's logLevel, ${DEFAULT_LOG_LEVEL}`,
    },
    {
      name: "enable-reload",
      help: "Serve POST /-/reload (like Prometheus's --web.enable-lifecycle).",
      default: "off",
    },
    {
      name: "new-series-hold-ms",
      value: "MS",
      help: "A new API series is served at 0 this long before its count (at least the scrape interval).",
      default: "the config's metrics.newSeriesHoldMs, 60000",
    },
    NO_REDACT_FLAG,
  ],
  minOperands: 0,
  maxOperands: Number.POSITIVE_INFINITY,
  daemon: true,
  async run(args) {
    const { loadCheckedConfig } = await import("../config/load.js");
    const logLevel = str(args, "log-level");
    const startAt = str(args, "start-at") as StartAt | undefined;
    const listen = str(args, "listen");
    const checkpointDir = str(args, "checkpoint-dir");
    const overrides: ConfigOverrides = {
      ...(listen === undefined ? {} : { listen }),
      ...(checkpointDir === undefined ? {} : { checkpointDir }),
      ...(startAt === undefined ? {} : { startAt }),
      ...(logLevel === undefined ? {} : { logLevel }),
      paths: [...args.positionals],
    };
    const file = str(args, "config");
    const input = { ...(file === undefined ? {} : { file }), overrides };
    const hold = str(args, "new-series-hold-ms");
    if (hold !== undefined && !/^\d{1,9}$/.test(hold))
      throw new UsageError(`--new-series-hold-ms: expected a non-negative integer (ms), got "${hold}"`);
    // Flags that the config loader does not know, laid over the loaded config.
    const withFlags = (config: Config): Config => ({
      ...config,
      ...(args.values["no-redact"] === true ? { redact: false } : {}),
      ...(hold === undefined ? {} : { metrics: { ...config.metrics, newSeriesHoldMs: Number(hold) } }),
    });
    const config = withFlags(loadCheckedConfig(input));
    const { runDaemon } = await import("../daemon.js");
    return runDaemon(config, {
      reloadEndpoint: args.values["enable-reload"] === true,
      // A reload reads the same file with the same flags and environment, as the start did.
      reloadConfig: () => withFlags(loadCheckedConfig(input)),
    });
  },
};

const analyze: CommandSpec = {
  name: "analyze",
  summary: "read files (or stdin) once and print totals, --json, --events or --metrics",
  operands: "[FILE ... | -]",
  description: `Reads each FILE (or stdin, -, the default) once to its end and prints a readable summary.
Exit status: 0 whatever the data (bad lines are counted), 1 runtime failure, 2 bad usage or config.`,
  flags: [
    { name: "json", help: "Print the totals as one JSON object." },
    { name: "events", help: "Print one NDJSON object per response, in input order." },
    { name: "metrics", help: "Print the Prometheus exposition after the run." },
    NO_REDACT_FLAG,
    { ...CONFIG_FLAG, help: "Config file for extra error codes and label caps.", default: "none" },
    {
      name: "format",
      value: "auto|raw|cri|docker",
      choices: LOG_FORMATS,
      help: "How lines are wrapped (container runtimes: cri, docker); auto decides per file.",
      default: DEFAULT_LOG_FORMAT,
    },
  ],
  minOperands: 0,
  maxOperands: Number.POSITIVE_INFINITY,
  async run(args) {
    const file = str(args, "config");
    // The config modules (zod, yaml) load only when a config is given: analyze starts faster.
    const config =
      file === undefined
        ? undefined
        : (await import("../config/load.js")).loadConfig({ file, overrides: { paths: ["-"] } });
    const { runAnalyze } = await import("../analyze/command.js");
    await runAnalyze(
      {
        inputs: [...args.positionals],
        json: args.values.json === true,
        events: args.values.events === true,
        metrics: args.values.metrics === true,
        noRedact: args.values["no-redact"] === true,
        ...(config ? { config } : {}),
        ...(str(args, "format") === undefined ? {} : { format: str(args, "format") as LogFormat }),
      },
      // A getter: `process.stdin` builds a stream, which only reading `-` needs (start-up time).
      {
        get stdin() {
          return process.stdin;
        },
        stdout: process.stdout,
      },
    );
    return 0;
  },
};

const checkConfig: CommandSpec = {
  name: "check-config",
  summary: "check a config file and every file it names, listing each problem",
  operands: "FILE",
  description: `Checks FILE as run would (schema, error-code catalogues, TLS and password files, the checkpoint
directory), without the environment or flags. Prints one line on success.
Exit status: 0 valid, 2 every problem listed with its path.`,
  flags: [],
  minOperands: 1,
  maxOperands: 1,
  async run(args) {
    const { checkConfig } = await import("../config/load.js");
    const file = args.positionals[0] as string;
    const config = checkConfig(file);
    const n = config.sources.length;
    process.stdout.write(`${file}: ok (${n} source${n === 1 ? "" : "s"}, listen ${config.listen})\n`);
    return 0;
  },
};

const healthcheck: CommandSpec = {
  name: "healthcheck",
  summary: "exit 0 when the exporter of this config answers /healthz (the image's HEALTHCHECK)",
  operands: "",
  description: `Reads the config that run reads (--config or $ALIYUN_RESPONSE_EXPORTER_CONFIG, --listen or
$ALIYUN_RESPONSE_EXPORTER_LISTEN) and asks that exporter's /healthz on its listen address, over
HTTPS when server.tls is set. Sends no credentials (the probes need none).
Exit status: 0 healthy, 1 not (the reason on stderr), 2 bad usage or config.`,
  flags: [
    CONFIG_FLAG,
    {
      name: "listen",
      value: "HOST:PORT",
      help: "Address the exporter listens on.",
      default: "$ALIYUN_RESPONSE_EXPORTER_LISTEN, else the config's listen",
    },
  ],
  minOperands: 0,
  maxOperands: 0,
  async run(args) {
    const [{ loadConfig }, { runHealthcheck }] = await Promise.all([
      import("../config/load.js"),
      import("../healthcheck.js"),
    ]);
    const file = str(args, "config");
    const listen = str(args, "listen");
    const config = loadConfig({
      ...(file === undefined ? {} : { file }),
      ...(listen === undefined ? {} : { overrides: { listen } }),
    });
    return runHealthcheck(config);
  },
};

const version: CommandSpec = {
  name: "version",
  summary: "print the version (also --version)",
  operands: "",
  description: "Prints the version of this build.",
  flags: [],
  minOperands: 0,
  maxOperands: 0,
  async run() {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  },
};

export const COMMANDS: readonly CommandSpec[] = [run, analyze, checkConfig, healthcheck, version];
export const DEFAULT_COMMAND = run;

/** `aliyun-response-exporter --help`. */
export function programHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: ${PROGRAM} COMMAND [OPTIONS] [ARGS]

Finds Alibaba Cloud API responses in logs and serves Prometheus metrics on them.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run "${PROGRAM} COMMAND --help" for a command's options and their defaults.
Options: -h, --help (this help), -v, --version (the version).
Environment: ALIYUN_RESPONSE_EXPORTER_CONFIG, ALIYUN_RESPONSE_EXPORTER_LISTEN,
ALIYUN_RESPONSE_EXPORTER_LOG_LEVEL (below the flags, above the config file).
`;
}
