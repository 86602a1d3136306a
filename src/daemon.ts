/**
 * `run`'s process life (README "Commands"): the app starts, SIGHUP reloads it, SIGTERM and SIGINT
 * stop it cleanly, and the exit code says whether the stop was complete.
 */
import pino from "pino";
import { type App, type AppOptions, startApp } from "./app.js";
import type { Config } from "./config/schema.js";

/** A clean stop (SIGTERM/SIGINT) must be over within this; after it the process exits anyway. */
const STOP_DEADLINE_MS = 5000;

export type DaemonOptions = AppOptions;

/**
 * `run`: starts the app, reloads on SIGHUP, stops cleanly on SIGTERM/SIGINT. Resolves to the exit
 * code: 0 after a clean stop, 1 when the stop took too long or its last checkpoint write failed
 * (the next start would read the last interval again). The signal handlers are in place before
 * anything starts (a signal during start-up stops the app once it is up), and a second signal
 * (npm forwards Ctrl-C to its child, which got one already) changes nothing.
 */
export async function runDaemon(config: Config, options: DaemonOptions = {}): Promise<number> {
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } }, pino.destination(2));
  let signalled: (signal: NodeJS.Signals) => void = () => {};
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    signalled = resolve;
  });
  const onSignal = (signal: NodeJS.Signals): void => signalled(signal);
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  // SIGHUP reloads, as in Prometheus, Fluent Bit, Vector and Alloy; before the app is up it waits.
  let app: App | undefined;
  let hupBeforeStart = false;
  process.on("SIGHUP", () => {
    if (app === undefined) hupBeforeStart = true;
    else void app.reload();
  });
  app = await startApp(config, logger, options);
  if (hupBeforeStart) void app.reload();
  const signal = await stopRequested;
  logger.info({ signal }, "stopping");
  const running = app;
  return new Promise<number>((resolve) => {
    const force = setTimeout(() => {
      logger.error("clean stop took too long; exiting");
      resolve(1);
    }, STOP_DEADLINE_MS);
    force.unref();
    running.stop().then(
      (written) => {
        clearTimeout(force);
        if (!written) {
          logger.error(
            { dir: config.checkpoint.dir },
            "stopped, but the last checkpoint write failed: the next start reads the last interval again",
          );
        } else logger.info("stopped");
        logger.flush();
        resolve(written ? 0 : 1);
      },
      (err: Error) => {
        clearTimeout(force);
        logger.error({ err: err.message }, "error while stopping");
        resolve(1);
      },
    );
  });
}
