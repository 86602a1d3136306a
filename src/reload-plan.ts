/**
 * What a reload changes (README "Reloading the configuration"): a pure comparison of the running
 * config with the new one. Sources added, removed or changed, label caps, the recent-errors size,
 * the log level and the catalogue apply at once; the listener (listen, server.*), the checkpoint
 * settings and static labels are fixed for the life of the process and only say that they need a
 * restart.
 */
import { type Config, type SourceConfig, STDIN_PATH } from "./config/schema.js";

export interface ReloadPlan {
  /** The config that runs after the reload: the new one, with the restart-only parts kept. */
  readonly config: Config;
  /** Sources to stop: removed, or changed (then started again from their read positions). */
  readonly stop: readonly string[];
  /** Sources to start: added, or changed. */
  readonly start: readonly SourceConfig[];
  /** One line per setting that changed but takes effect only at a restart. */
  readonly restartNeeded: readonly string[];
}

const isStdin = (s: SourceConfig): boolean => s.paths.length === 1 && s.paths[0] === STDIN_PATH;
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function planReload(running: Config, next: Config): ReloadPlan {
  const restartNeeded: string[] = [];
  if (next.listen !== running.listen) restartNeeded.push(`listen (${running.listen} → ${next.listen})`);
  for (const key of Object.keys(next.server) as (keyof Config["server"])[]) {
    if (!same(next.server[key], running.server[key])) restartNeeded.push(`server.${key}`);
  }
  for (const key of Object.keys(next.checkpoint) as (keyof Config["checkpoint"])[]) {
    if (!same(next.checkpoint[key], running.checkpoint[key])) restartNeeded.push(`checkpoint.${key}`);
  }
  // The series bounds and the new-series hold are fixed when the metrics are made.
  for (const key of ["maxSeries", "maxLabelValueLength"] as const) {
    if (next.limits[key] !== running.limits[key]) restartNeeded.push(`limits.${key}`);
  }
  if (next.metrics.newSeriesHoldMs !== running.metrics.newSeriesHoldMs)
    restartNeeded.push("metrics.newSeriesHoldMs");

  const before = new Map(running.sources.map((s) => [s.name, s]));
  const sources: SourceConfig[] = [];
  const stop: string[] = [];
  const start: SourceConfig[] = [];
  next.sources.forEach((wanted, i) => {
    const old = before.get(wanted.name);
    // Static labels are label names of a metric: they are fixed when it is registered.
    const labels = old?.labels ?? {};
    if (!same(wanted.labels, labels)) restartNeeded.push(`sources.${i}.labels`);
    // So are path labels (README "Container logs").
    const pathLabels = old?.pathLabels ?? [];
    if (!same(wanted.pathLabels, pathLabels)) restartNeeded.push(`sources.${i}.pathLabels`);
    let s: SourceConfig = { ...wanted, labels, pathLabels };
    if (old === undefined) start.push(s);
    else if (!same(s, old)) {
      // stdin cannot be read again from where it was: a changed stdin source runs on unchanged.
      if (isStdin(old) || isStdin(s)) {
        restartNeeded.push(`sources.${i} (${wanted.name} reads stdin)`);
        s = old;
      } else {
        stop.push(s.name);
        start.push(s);
      }
    }
    sources.push(s);
  });
  const kept = new Set(next.sources.map((s) => s.name));
  for (const s of running.sources) if (!kept.has(s.name)) stop.push(s.name);

  return {
    config: {
      ...next,
      listen: running.listen,
      server: running.server,
      checkpoint: running.checkpoint,
      limits: {
        ...next.limits,
        maxSeries: running.limits.maxSeries,
        maxLabelValueLength: running.limits.maxLabelValueLength,
      },
      metrics: running.metrics,
      sources,
    },
    stop,
    start,
    restartNeeded,
  };
}
