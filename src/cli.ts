#!/usr/bin/env node
import { parseArgs } from "node:util";
import { runAnalyze } from "./analyze/command.js";
import type { StartAt } from "./config/schema.js";
import { formatUsageError, UsageError } from "./core/errors.js";
import { VERSION } from "./core/version.js";
import { LOG_FORMATS, type LogFormat } from "./decoders/line-decoder.js";

const USAGE = `Usage:
  aliyun-response-exporter run [--config FILE] [--listen HOST:PORT] [--checkpoint-dir DIR]
                               [--start-at beginning|end] [--log-level LEVEL] [PATH_OR_GLOB ...]
  aliyun-response-exporter analyze [--json] [--events] [--metrics] [--config FILE]
                                   [--format auto|raw|cri|docker] [FILE ... | -]
  aliyun-response-exporter check-config FILE
  aliyun-response-exporter healthcheck [--config FILE] [--listen HOST:PORT]
  aliyun-response-exporter --version | --help

run (the default command) tails log files and serves Prometheus metrics on /metrics.
analyze reads files (or stdin, -) once and prints a summary, --json, --events (NDJSON) or --metrics.
healthcheck exits 0 when the exporter of that config answers /healthz (HTTP or HTTPS), 1 otherwise.
Environment: ALIYUN_RESPONSE_EXPORTER_CONFIG, ALIYUN_RESPONSE_EXPORTER_LISTEN, ALIYUN_RESPONSE_EXPORTER_LOG_LEVEL.
`;

/** argv → config → command. The only place that exits: 0 ok, 1 runtime failure, 2 bad usage or config. */
async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  if (first === "--help" || first === "-h" || first === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (first === "--version" || first === "-v") {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const commands = ["run", "analyze", "check-config", "healthcheck"];
  const command = first !== undefined && commands.includes(first) ? first : "run";
  const rest = command === first ? argv.slice(1) : argv;

  if (command === "check-config") {
    const { positionals } = parse(rest, {});
    if (positionals.length !== 1) throw new UsageError("check-config takes exactly one FILE");
    const { checkConfig } = await import("./config/load.js");
    const config = checkConfig(positionals[0] as string);
    process.stdout.write(
      `${positionals[0]}: ok (${config.sources.length} source${config.sources.length === 1 ? "" : "s"}, listen ${config.listen})\n`,
    );
    return 0;
  }

  if (command === "healthcheck") {
    const { values } = parse(rest, { config: { type: "string" }, listen: { type: "string" } });
    const [{ loadConfig }, { runHealthcheck }] = await Promise.all([
      import("./config/load.js"),
      import("./healthcheck.js"),
    ]);
    const config = loadConfig({
      ...(values.config === undefined ? {} : { file: values.config as string }),
      ...(values.listen === undefined ? {} : { overrides: { listen: values.listen as string } }),
    });
    return runHealthcheck(config);
  }

  if (command === "analyze") {
    const { values, positionals } = parse(rest, {
      json: { type: "boolean" },
      events: { type: "boolean" },
      metrics: { type: "boolean" },
      config: { type: "string" },
      format: { type: "string" },
    });
    const format = values.format as string | undefined;
    if (format !== undefined && !(LOG_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format: expected one of ${LOG_FORMATS.join(", ")}, got "${format}"`);
    }
    // The config modules (zod, yaml) load only when a config is given: analyze starts faster.
    const config =
      values.config === undefined
        ? undefined
        : (await import("./config/load.js")).loadConfig({
            file: values.config as string,
            overrides: { paths: ["-"] },
          });
    await runAnalyze(
      {
        inputs: positionals,
        json: values.json === true,
        events: values.events === true,
        metrics: values.metrics === true,
        ...(config ? { config } : {}),
        ...(format === undefined ? {} : { format: format as LogFormat }),
      },
      { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
    );
    return 0;
  }

  const { values, positionals } = parse(rest, {
    config: { type: "string" },
    listen: { type: "string" },
    "checkpoint-dir": { type: "string" },
    "start-at": { type: "string" },
    "log-level": { type: "string" },
  });
  const { loadConfig } = await import("./config/load.js");
  const config = loadConfig({
    ...(values.config === undefined ? {} : { file: values.config as string }),
    overrides: {
      ...(values.listen === undefined ? {} : { listen: values.listen as string }),
      ...(values["checkpoint-dir"] === undefined
        ? {}
        : { checkpointDir: values["checkpoint-dir"] as string }),
      ...(values["start-at"] === undefined ? {} : { startAt: values["start-at"] as StartAt }),
      ...(values["log-level"] === undefined ? {} : { logLevel: values["log-level"] as string }),
      paths: positionals,
    },
  });
  const { runDaemon } = await import("./app.js");
  const code = await runDaemon(config);
  // The daemon is done: whatever is still pending (a read past the stop deadline) must not keep
  // the process alive.
  process.exit(code);
}

type Options = Parameters<typeof parseArgs>[0] extends infer T
  ? T extends { options?: infer O }
    ? O
    : never
  : never;

function parse(args: string[], options: NonNullable<Options>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional.*$/s, ""));
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(formatUsageError(e));
      if (!e.problems.length || e.problems[0] === e.message) process.stderr.write(`\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`aliyun-response-exporter: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
