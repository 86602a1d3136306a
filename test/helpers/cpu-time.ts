/** CPU time of this process spent in `run`, in milliseconds: the least of `times` runs (the machine is shared). */
export function leastCpuMs(run: () => void, times = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    const t = process.cpuUsage();
    run();
    const d = process.cpuUsage(t);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return best;
}
