import { readFileSync } from "node:fs";
import pino, { type Logger } from "pino";
import { type Config, parseListen, type SourceConfig, STDIN_PATH } from "./config/schema.js";
import { UsageError } from "./core/errors.js";
import type { ApiResponse, LineCounts } from "./core/records.js";
import { VERSION } from "./core/version.js";
import { loadCatalog } from "./extract/catalog.js";
import { Extractor } from "./extract/extractor.js";
import { ExporterMetrics } from "./metrics/exporter-metrics.js";
import { pipelineStages, RecordPipeline, sourceStages } from "./pipeline.js";
import { type RunningServer, startServer } from "./server/http-server.js";
import { RecentErrors } from "./server/recent-errors.js";
import { CheckpointStore } from "./sources/checkpoints.js";
import { FileSource } from "./sources/file-source.js";
import { pathLabelsOf } from "./sources/kubernetes-path.js";
import { StdinSource } from "./sources/stdin-source.js";
import type { SourceHooks } from "./sources/types.js";

/** A clean stop (SIGTERM/SIGINT) must be over within this; after it the process exits anyway. */
const STOP_DEADLINE_MS = 5000;
/** At most one warning per kind and source in this interval; the rest are counted in metrics. */
const WARN_INTERVAL_MS = 60_000;

interface Source {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface App {
  readonly server: RunningServer;
  readonly metrics: ExporterMetrics;
  stop(): Promise<void>;
}

/**
 * Wires sources → pipeline → sinks (metrics, recent errors) → HTTP server. Everything per record
 * happens in the synchronous pipeline; sinks see one batch per chunk read.
 */
export async function startApp(config: Config, logger: Logger): Promise<App> {
  const listen = parseListen(config.listen);
  if (listen === null) throw new UsageError(`listen: expected HOST:PORT, got "${config.listen}"`);
  const catalog = await loadCatalog(config.errorCodes.files, config.errorCodes.codes);
  const extractor = new Extractor(catalog);
  const metrics = new ExporterMetrics({
    // Path labels are per file: declared here ("" until a file has them), set by labelGroup.
    sourceLabels: Object.fromEntries(
      config.sources.map((s) => [
        s.name,
        { ...Object.fromEntries(s.pathLabels.map((n) => [n, ""])), ...s.labels },
      ]),
    ),
    labelCaps: config.labelCaps,
    version: VERSION,
  });
  const recentErrors = new RecentErrors(config.recentErrors.size);
  const warn = rateLimitedWarn(logger);

  const checkpoints =
    config.checkpoint.dir === null
      ? undefined
      : new CheckpointStore(config.checkpoint.dir, {
          onCheckpointWrite: (ok, err) => {
            metrics.checkpointWrite(ok);
            if (!ok)
              warn(
                "checkpoint",
                "",
                { err: err?.message, dir: config.checkpoint.dir },
                "checkpoint write failed",
              );
          },
          onLoadError: (err) =>
            logger.warn({ err: err.message }, "checkpoint file unreadable; starting without it"),
        });
  try {
    await checkpoints?.load();
  } catch (e) {
    throw new UsageError(`checkpoint.dir: cannot use ${config.checkpoint.dir}: ${(e as Error).message}`);
  }

  const byName = new Map<string, SourceConfig>(config.sources.map((s) => [s.name, s]));
  // One recognizer setup and one request-id window per source, shared by the pipelines of its files.
  const stages = new Map(config.sources.map((s) => [s.name, sourceStages(s)]));
  const hooks: SourceHooks = {
    openSink: (source, file) => {
      const s = byName.get(source) as SourceConfig;
      const group =
        s.pathLabels.length > 0 ? metrics.labelGroup(source, pathLabelsOf(file, s.pathLabels)) : undefined;
      const onBatch = (name: string, responses: readonly ApiResponse[], counts: LineCounts): void => {
        metrics.recordBatch(name, responses, counts, group);
        recentErrors.add(responses, name);
      };
      return new RecordPipeline({
        source,
        extractor,
        onBatch,
        maxRecordBytes: s.maxRecordBytes,
        maxMultilineBytes: s.maxMultilineBytes,
        format: s.format,
        ...pipelineStages(stages.get(source)),
      });
    },
    onRotation: (source, file) => {
      metrics.rotation(source);
      logger.info({ source, file }, "file rotated");
    },
    onTruncation: (source, file) => {
      metrics.truncation(source);
      logger.info({ source, file }, "file truncated; reading it from the start");
    },
    onReadError: (source, file, err) => {
      metrics.readError(source);
      warn("read", `${source}:${file}`, { source, file, err: err.message }, "read error");
    },
    onFileOpened: (source, file) => logger.info({ source, file }, "file opened"),
    onFileClosed: (source, file, reason) => logger.info({ source, file, reason }, "file closed"),
  };
  const watched = new Map<string, number>();
  const sources: Source[] = config.sources.map((s): Source => {
    if (s.paths.length === 1 && s.paths[0] === STDIN_PATH)
      return new StdinSource(s.name, process.stdin, hooks);
    return new FileSource(
      {
        name: s.name,
        paths: s.paths,
        exclude: s.exclude,
        startAt: s.startAt,
        partialLineTimeoutMs: s.partialLineTimeoutMs,
        pollIntervalMs: s.pollIntervalMs,
        globIntervalMs: s.globIntervalMs,
        rotateWaitMs: s.rotateWaitMs,
      },
      {
        ...hooks,
        onFilesWatched: (count) => {
          watched.set(s.name, count);
          metrics.filesWatched([...watched.values()].reduce((a, b) => a + b, 0));
        },
      },
      checkpoints ? { checkpoints } : {},
    );
  });

  let ready = false;
  const startedAt = new Date().toISOString();
  const server = await startServer({
    host: listen.host,
    port: listen.port,
    metrics,
    recentErrors,
    isReady: () => ready,
    status: () => ({
      version: VERSION,
      startedAt,
      sources: config.sources.map((s) => ({ name: s.name, paths: s.paths })),
    }),
    requestTimeoutMs: config.server.requestTimeoutMs,
    headersTimeoutMs: config.server.headersTimeoutMs,
    ...(config.server.tls ? { tls: config.server.tls } : {}),
    ...(config.server.basicAuth
      ? {
          basicAuth: {
            username: config.server.basicAuth.username,
            password: readPassword(config.server.basicAuth.passwordFile),
          },
        }
      : {}),
    logger,
  });
  logger.info(
    {
      version: VERSION,
      listen: server.url,
      sources: config.sources.map((s) => ({ name: s.name, paths: s.paths, startAt: s.startAt })),
      checkpointDir: config.checkpoint.dir,
    },
    "aliyun-response-exporter started",
  );
  await Promise.all(sources.map((s) => s.start()));
  checkpoints?.startInterval(config.checkpoint.intervalMs);
  ready = true;

  let stopping: Promise<void> | undefined;
  return {
    server,
    metrics,
    stop: () => {
      stopping ??= (async () => {
        ready = false;
        await Promise.all(sources.map((s) => s.stop()));
        await checkpoints?.close();
        await server.close();
      })();
      return stopping;
    },
  };
}

/**
 * `run`: starts the app, stops it cleanly on SIGTERM/SIGINT. Resolves to the exit code. The signal
 * handlers are in place before anything starts (a signal during start-up stops the app once it is
 * up), and a second signal (npm forwards Ctrl-C to its child, which got one already) changes nothing.
 */
export async function runDaemon(config: Config): Promise<number> {
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } }, pino.destination(2));
  let signalled: (signal: NodeJS.Signals) => void = () => {};
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    signalled = resolve;
  });
  const onSignal = (signal: NodeJS.Signals): void => signalled(signal);
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  const app = await startApp(config, logger);
  const signal = await stopRequested;
  logger.info({ signal }, "stopping");
  return new Promise<number>((resolve) => {
    const force = setTimeout(() => {
      logger.error("clean stop took too long; exiting");
      resolve(1);
    }, STOP_DEADLINE_MS);
    force.unref();
    app.stop().then(
      () => {
        clearTimeout(force);
        logger.info("stopped");
        logger.flush();
        resolve(0);
      },
      (err: Error) => {
        clearTimeout(force);
        logger.error({ err: err.message }, "error while stopping");
        resolve(1);
      },
    );
  });
}

function readPassword(file: string): string {
  try {
    return readFileSync(file, "utf8").replace(/\r?\n$/, "");
  } catch (e) {
    throw new UsageError(`server.basicAuth.passwordFile: cannot read ${file}: ${(e as Error).message}`);
  }
}

/** Warnings that could repeat per read are logged at most once per interval and key. */
function rateLimitedWarn(logger: Logger) {
  const last = new Map<string, number>();
  return (kind: string, key: string, obj: object, msg: string): void => {
    const k = `${kind}\0${key}`;
    const now = Date.now();
    const prev = last.get(k);
    if (prev !== undefined && now - prev < WARN_INTERVAL_MS) return;
    last.set(k, now);
    logger.warn(obj, msg);
  };
}
