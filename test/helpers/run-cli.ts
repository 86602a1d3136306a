/**
 * Starts the built CLI's `run` on a config written for the test: listening on port 0, no first
 * sample at zero (README "First sample at zero"), each source read from the beginning and polled
 * every 50 ms unless the source says otherwise. Resolves once /readyz answers 200.
 */
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { type CliProcess, spawnCli, waitReady } from "./cli-process.js";

export interface Running {
  readonly cli: CliProcess;
  readonly url: string;
}

export async function startRun(
  dir: string,
  sources: readonly Record<string, unknown>[],
  top: Record<string, unknown> = {},
): Promise<Running> {
  const config = {
    listen: "127.0.0.1:0",
    metrics: { newSeriesHoldMs: 0 },
    ...top,
    sources: sources.map((s) => ({ startAt: "beginning", pollIntervalMs: 50, ...s })),
  };
  const file = path.join(dir, "config.yaml");
  await writeFile(file, JSON.stringify(config));
  const cli = spawnCli(["run", "--config", file], { cwd: dir });
  const url = await cli.url(20_000);
  await waitReady(url);
  return { cli, url };
}
