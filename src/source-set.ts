/**
 * The sources that run now, by name: started and stopped at the start, at a reload and at the stop,
 * with the files each follows (`source_files`, `files_watched`) and the warning while one follows
 * none (README "When the exporter sees nothing"). Every source shares one CheckpointStore, so a
 * source that a reload stops and starts again resumes at its read positions.
 */
import type { Logger } from "pino";
import { type SourceConfig, STDIN_PATH } from "./config/schema.js";
import type { ExporterMetrics } from "./metrics/exporter-metrics.js";
import type { CheckpointStore } from "./sources/checkpoints.js";
import { FileSource } from "./sources/file-source.js";
import { noMatchHint } from "./sources/no-match-hint.js";
import { StdinSource } from "./sources/stdin-source.js";
import type { SourceHooks } from "./sources/types.js";
import { MAX_LISTED_FILES, type SourceStatus } from "./status.js";

type Warn = (kind: string, key: string, obj: object, msg: string) => void;

interface Running {
  readonly config: SourceConfig;
  readonly source: FileSource | StdinSource;
}

export class SourceSet {
  private readonly running = new Map<string, Running>();
  /** Files followed now, per file source (set by the source once it has looked). */
  private readonly files = new Map<string, number>();
  /** Sources being stopped: their count falls to 0 as they close their files, which is no news. */
  private readonly closing = new Set<string>();

  constructor(
    private readonly deps: {
      readonly metrics: ExporterMetrics;
      readonly checkpoints: CheckpointStore;
      readonly logger: Logger;
      readonly warn: Warn;
      /** The hooks of a source (sinks, rotation and read-error reports), made per source config. */
      readonly hooksFor: (s: SourceConfig) => SourceHooks;
    },
  ) {}

  get names(): string[] {
    return [...this.running.keys()];
  }

  async start(s: SourceConfig): Promise<void> {
    this.deps.metrics.declareSource(s.name);
    const hooks = this.deps.hooksFor(s);
    if (s.paths.length === 1 && s.paths[0] === STDIN_PATH) {
      const source = new StdinSource(s.name, process.stdin, hooks);
      this.running.set(s.name, { config: s, source });
      return source.start();
    }
    const source = new FileSource(
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
      { ...hooks, onFilesWatched: (count) => this.report(s.name, count) },
      { checkpoints: this.deps.checkpoints },
    );
    this.running.set(s.name, { config: s, source });
    await source.start();
  }

  /** `restart`: a reload starts it again at once, so what its files' sinks hold is read again then. */
  async stop(name: string, restart: boolean): Promise<void> {
    const entry = this.running.get(name);
    if (entry === undefined) return;
    this.closing.add(name);
    await (entry.source instanceof FileSource ? entry.source.stop({ restart }) : entry.source.stop());
    this.closing.delete(name);
    this.running.delete(name);
    if (!restart && this.files.has(name)) this.report(name, null);
  }

  /** The periodic reminder (rate-limited by `warn`) for every source that still sees nothing. */
  warnIdle(): void {
    for (const [name, n] of this.files) if (n === 0) this.warnNoFiles(name);
  }

  status(): SourceStatus[] {
    return [...this.running.values()].map(({ config, source }): SourceStatus => {
      const file = source instanceof FileSource;
      const n = this.files.get(config.name) ?? 0;
      const noFiles = file && n === 0;
      return {
        name: config.name,
        kind: file ? "file" : "stdin",
        paths: config.paths,
        files: file ? n : null,
        openFiles: file
          ? source
              .files()
              .slice(0, MAX_LISTED_FILES)
              .map((f) => ({ path: f.path, offset: f.offset }))
          : [],
        noFiles,
        hints: noFiles ? config.paths.map(noMatchHint) : [],
      };
    });
  }

  private report(name: string, count: number | null): void {
    if (this.closing.has(name) && count !== null) return;
    const { metrics, logger } = this.deps;
    const had = this.files.get(name);
    if (count === null) this.files.delete(name);
    else this.files.set(name, count);
    metrics.sourceFiles(name, count);
    metrics.filesWatched([...this.files.values()].reduce((a, b) => a + b, 0));
    if (count === 0) this.warnNoFiles(name);
    else if (had === 0 && count !== null)
      logger.info({ source: name, files: count }, "source matches files again");
  }

  private warnNoFiles(name: string): void {
    const paths = this.running.get(name)?.config.paths ?? [];
    const hints = paths.map(noMatchHint);
    this.deps.warn("no-files", name, { source: name, paths, hints }, "source matches no files");
  }
}
