import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import { type Config, parseListen, type SourceConfig } from "./config/schema.js";
import { UsageError } from "./core/errors.js";
import { RUN_TURN_MS } from "./core/limits.js";
import type { ApiResponse, LineCounts } from "./core/records.js";
import { redactor } from "./core/redact.js";
import { VERSION } from "./core/version.js";
import { loadCatalog } from "./extract/catalog-load.js";
import { Extractor } from "./extract/extractor.js";
import { ExporterMetrics } from "./metrics/exporter-metrics.js";
import { ResponseHistory, TICK_MS } from "./metrics/history.js";
import { pipelineStages, RecordPipeline, sourceStages } from "./pipeline.js";
import { planReload } from "./reload-plan.js";
import { type RunningServer, startServer } from "./server/http-server.js";
import { RecentErrors, type RecentErrorsOptions } from "./server/recent-errors.js";
import { sourceRows } from "./server/status-page/source-rows.js";
import { SourceSet } from "./source-set.js";
import { CheckpointStore } from "./sources/checkpoints.js";
import { pathLabelsOf } from "./sources/kubernetes-path.js";
import type { SourceHooks } from "./sources/types.js";
import { type ExporterStatus, StatusTracker } from "./status.js";

/** At most one warning per kind and source in this interval; the rest are counted in metrics. */
const WARN_INTERVAL_MS = 60_000;

export interface AppOptions {
  /** Reads the config again for a reload; throws a UsageError listing every problem. */
  readonly reloadConfig?: () => Config;
  /** Serve `POST /-/reload` (off by default, as in Prometheus). */
  readonly reloadEndpoint?: boolean;
  /** How often a source that matches no files is warned about again (default 60 s). */
  readonly warnIntervalMs?: number;
}

export interface App {
  readonly server: RunningServer;
  readonly metrics: ExporterMetrics;
  status(): ExporterStatus;
  /** Re-reads and applies the config; resolves to its problems ([] when applied). Never rejects. */
  reload(): Promise<readonly string[]>;
  /** Stops reading, writes the checkpoints, closes the server; false when the last checkpoint write failed. */
  stop(): Promise<boolean>;
}

/**
 * Wires sources → pipeline → sinks (metrics, recent errors) → HTTP server. Everything per record
 * happens in the synchronous pipeline; sinks see one batch per chunk read. A reload swaps the
 * parts that change (README "Reloading the configuration") and keeps the metrics and checkpoints.
 */
export async function startApp(initial: Config, logger: Logger, options: AppOptions = {}): Promise<App> {
  const listen = parseListen(initial.listen);
  if (listen === null) throw new UsageError(`listen: expected HOST:PORT, got "${initial.listen}"`);
  let config = initial;
  let extractor = new Extractor(await loadCatalog(config.errorCodes.files, config.errorCodes.codes));
  // Pipelines of files opened before a reload see the reloaded catalogue too.
  const currentExtractor = { extract: (...a: Parameters<Extractor["extract"]>) => extractor.extract(...a) };
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
    // Fixed for the life of the process (a reload of these says a restart is needed).
    newSeriesHoldMs: config.metrics.newSeriesHoldMs,
    maxSeries: config.limits.maxSeries,
    maxLabelValueLength: config.limits.maxLabelValueLength,
  });
  metrics.configLoaded(true);
  let recentErrors = new RecentErrors(config.recentErrors.size, recentErrorsOptions(config));
  const tracker = new StatusTracker(VERSION);
  const warn = rateLimitedWarn(logger, options.warnIntervalMs ?? WARN_INTERVAL_MS);
  const history = new ResponseHistory(() => metrics.responseCells);
  const historyTimer = setInterval(() => history.tick(), TICK_MS);
  historyTimer.unref();
  /** When each source last handed on a batch: the status page's "last data". */
  const lastRead = new Map<string, number>();

  const checkpointDir = config.checkpoint.dir;
  const checkpoints = new CheckpointStore(checkpointDir, {
    onCheckpointWrite: (ok, err) => {
      metrics.checkpointWrite(ok);
      tracker.checkpointWrite(ok, err);
      if (!ok) {
        const obj = { err: err?.message, dir: checkpointDir };
        warn("checkpoint", "", obj, "checkpoint write failed: a restart will read this interval again");
      }
    },
    onLoadError: (err) =>
      logger.warn({ err: err.message }, "checkpoint file unreadable; starting without it"),
  });
  try {
    await checkpoints.load();
  } catch (e) {
    throw new UsageError(`checkpoint.dir: cannot use ${checkpointDir}: ${(e as Error).message}`);
  }

  const onBatch = (source: string, responses: readonly ApiResponse[], counts: LineCounts): void => {
    metrics.recordBatch(source, responses, counts);
    recentErrors.add(responses, source);
    if (counts.bytes > 0) lastRead.set(source, Date.now());
  };
  // One recognizer setup and one request-id window per source, shared by the pipelines of its
  // files; a source that a reload restarts keeps its window (same settings), so a body and its SDK
  // string on either side of the reload still count once.
  const stagesOf = new Map<string, { key: string; stages: ReturnType<typeof sourceStages> }>();
  const stagesFor = (s: SourceConfig): ReturnType<typeof sourceStages> => {
    const key = JSON.stringify([s.sdkStrings, s.dedupWindowIds]);
    const known = stagesOf.get(s.name);
    if (known?.key === key) return known.stages;
    const stages = sourceStages(s);
    stagesOf.set(s.name, { key, stages });
    return stages;
  };
  const hooksFor = (s: SourceConfig): SourceHooks => {
    const stages = stagesFor(s);
    return {
      openSink: (source, file) => {
        // Kubernetes path labels: the file's own series (README "Container logs").
        const group =
          s.pathLabels.length > 0 ? metrics.labelGroup(source, pathLabelsOf(file, s.pathLabels)) : undefined;
        return new RecordPipeline({
          source,
          extractor: currentExtractor,
          onBatch:
            group === undefined
              ? onBatch
              : (name, responses, counts) => {
                  metrics.recordBatch(name, responses, counts, group);
                  recentErrors.add(responses, name);
                },
          maxRecordBytes: s.maxRecordBytes,
          maxMultilineBytes: s.maxMultilineBytes,
          format: s.format,
          turn: { ms: RUN_TURN_MS },
          ...pipelineStages(stages),
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
  };
  const sources = new SourceSet({ metrics, checkpoints, logger, warn, hooksFor });
  const status = (): ExporterStatus => tracker.snapshot(sources.status(), checkpointDir);

  let ready = false;
  let reloading: Promise<readonly string[]> = Promise.resolve([]);
  let stopping: Promise<boolean> | undefined;
  const reload = (): Promise<readonly string[]> => {
    reloading = reloading
      .then(async () => {
        if (stopping !== undefined) return ["the exporter is stopping"];
        if (options.reloadConfig === undefined) return ["this exporter was started without a way to reload"];
        logger.info("reloading the configuration");
        let next: Config;
        let catalog: Awaited<ReturnType<typeof loadCatalog>>;
        try {
          next = options.reloadConfig();
          catalog = await loadCatalog(next.errorCodes.files, next.errorCodes.codes);
        } catch (e) {
          const problems = e instanceof UsageError ? [...e.problems] : [String(e)];
          metrics.configLoaded(false);
          tracker.reloaded(problems, []);
          logger.error(
            { err: (e as Error).message, problems },
            "reload failed; the running configuration is kept",
          );
          return problems;
        }
        const plan = planReload(config, next);
        for (const setting of plan.restartNeeded) {
          logger.warn({ setting }, "changed setting takes effect only after a restart");
        }
        logger.level = next.logLevel;
        metrics.setLabelCaps(next.labelCaps);
        // Masking and message length apply to errors kept from now on.
        recentErrors = recentErrors.resized(next.recentErrors.size, recentErrorsOptions(next));
        extractor = new Extractor(catalog);
        const restarted = new Set(plan.start.map((s) => s.name));
        await Promise.all(plan.stop.map((name) => sources.stop(name, restarted.has(name))));
        await Promise.all(plan.start.map((s) => sources.start(s)));
        config = plan.config;
        metrics.configLoaded(true);
        tracker.reloaded([], plan.restartNeeded);
        logger.info(
          {
            sources: config.sources.map((s) => s.name),
            stopped: plan.stop,
            started: plan.start.map((s) => s.name),
          },
          "configuration reloaded",
        );
        return [];
      })
      .catch((err: Error) => {
        // A bug, not a bad config: said loudly, and the next reload or the stop still runs.
        logger.error({ err: err.stack ?? String(err) }, "reload failed unexpectedly");
        metrics.configLoaded(false);
        tracker.reloaded([String(err)], []);
        return [String(err)];
      });
    return reloading;
  };

  const server = await startServer({
    host: listen.host,
    port: listen.port,
    metrics,
    recentErrors: { list: (limit) => recentErrors.list(limit) },
    isReady: () => ready,
    history,
    status,
    sources: () => sourceRows(sources.status(), metrics.sourceTotals(), lastRead),
    ...(options.reloadEndpoint === true ? { reload } : {}),
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
      checkpointDir,
      reloadEndpoint: options.reloadEndpoint === true,
    },
    "aliyun-response-exporter started",
  );
  await Promise.all(config.sources.map((s) => sources.start(s)));
  checkpoints.startInterval(config.checkpoint.intervalMs);
  // The warning repeats (rate-limited) for as long as a source sees nothing.
  const noFilesTimer = setInterval(() => sources.warnIdle(), options.warnIntervalMs ?? WARN_INTERVAL_MS);
  noFilesTimer.unref();
  ready = true;

  return {
    server,
    metrics,
    status,
    reload,
    stop: () => {
      stopping ??= (async () => {
        ready = false;
        clearInterval(noFilesTimer);
        clearInterval(historyTimer);
        await reloading;
        await Promise.all(sources.names.map((name) => sources.stop(name, false)));
        const written = await checkpoints.close();
        await server.close();
        return written;
      })();
      return stopping;
    },
  };
}

function recentErrorsOptions(config: Config): RecentErrorsOptions {
  return { maxMessageLength: config.limits.maxMessageLength, redact: redactor(config.redact) };
}

function readPassword(file: string): string {
  try {
    return readFileSync(file, "utf8").replace(/\r?\n$/, "");
  } catch (e) {
    throw new UsageError(`server.basicAuth.passwordFile: cannot read ${file}: ${(e as Error).message}`);
  }
}

/**
 * Warnings that could repeat per read are logged at most once per interval and key. A tenth of
 * slack, so that the periodic no-files check (a timer of the same interval) is not skipped by a
 * few milliseconds every other time.
 */
function rateLimitedWarn(logger: Logger, intervalMs: number) {
  const last = new Map<string, number>();
  return (kind: string, key: string, obj: object, msg: string): void => {
    const k = `${kind}\0${key}`;
    const now = Date.now();
    const prev = last.get(k);
    if (prev !== undefined && now - prev < intervalMs * 0.9) return;
    last.set(k, now);
    logger.warn(obj, msg);
  };
}
