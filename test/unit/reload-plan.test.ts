/** What a reload applies and what needs a restart (README "Reloading the configuration"). */
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { planReload } from "../../src/reload-plan.js";

const config = (extra: object = {}, sources: object[] = [{ name: "app", paths: ["/a/*.log"] }]) =>
  configSchema.parse({ sources, ...extra });

describe("planReload", () => {
  it("changes nothing for the same config", () => {
    const c = config();
    expect(planReload(c, config())).toEqual({ config: c, stop: [], start: [], restartNeeded: [] });
  });

  it("stops removed sources, starts added ones, restarts changed ones, keeps the others", () => {
    const running = config({}, [
      { name: "keep", paths: ["/k/*.log"] },
      { name: "change", paths: ["/c/*.log"] },
      { name: "drop", paths: ["/d/*.log"] },
    ]);
    const next = config({}, [
      { name: "keep", paths: ["/k/*.log"] },
      { name: "change", paths: ["/c/*.log", "/c2/*.log"] },
      { name: "add", paths: ["/n/*.log"] },
    ]);
    const plan = planReload(running, next);
    expect(plan.stop).toEqual(["change", "drop"]);
    expect(plan.start.map((s) => s.name)).toEqual(["change", "add"]);
    expect(plan.config.sources.map((s) => s.name)).toEqual(["keep", "change", "add"]);
    expect(plan.restartNeeded).toEqual([]);
  });

  it("keeps the series bounds and the new-series hold (a restart), applies redaction and message length", () => {
    const running = config();
    const next = config({
      limits: { maxSeries: 5, maxLabelValueLength: 10, maxMessageLength: 50 },
      metrics: { newSeriesHoldMs: 1 },
      redact: false,
    });
    const plan = planReload(running, next);
    expect(plan.restartNeeded).toEqual([
      "limits.maxSeries",
      "limits.maxLabelValueLength",
      "metrics.newSeriesHoldMs",
    ]);
    expect(plan.config.limits).toEqual({ maxSeries: 10_000, maxLabelValueLength: 128, maxMessageLength: 50 });
    expect(plan.config.metrics).toEqual({ newSeriesHoldMs: 60_000 });
    expect(plan.config.redact).toBe(false);
  });

  it("keeps the path labels (label names of a metric) and says they need a restart; the format reloads", () => {
    const running = config({}, [{ name: "pods", paths: ["/p/*.log"], pathLabels: ["namespace"] }]);
    const next = config({}, [
      { name: "pods", paths: ["/p/*.log"], pathLabels: ["namespace", "workload"], format: "cri" },
      { name: "new", paths: ["/n/*.log"], pathLabels: ["pod"] },
    ]);
    const plan = planReload(running, next);
    expect(plan.restartNeeded).toEqual(["sources.0.pathLabels", "sources.1.pathLabels"]);
    expect(plan.config.sources.map((s) => [s.name, s.pathLabels, s.format])).toEqual([
      ["pods", ["namespace"], "cri"],
      ["new", [], "auto"],
    ]);
    expect(plan.stop).toEqual(["pods"]);
  });

  it("keeps the listener, checkpoint settings and static labels, and says they need a restart", () => {
    const running = config({}, [{ name: "app", paths: ["/a/*.log"], labels: { team: "a" } }]);
    const next = config(
      {
        listen: "127.0.0.1:1",
        server: { tls: { certFile: "c", keyFile: "k" } },
        checkpoint: { dir: "/x", intervalMs: 1000 },
        labelCaps: { code: 5 },
        logLevel: "debug",
      },
      [{ name: "app", paths: ["/a/*.log"], labels: { team: "b" } }],
    );
    const plan = planReload(running, next);
    expect(plan.restartNeeded).toEqual([
      "listen (0.0.0.0:9787 → 127.0.0.1:1)",
      "server.tls",
      "checkpoint.dir",
      "checkpoint.intervalMs",
      "sources.0.labels",
    ]);
    expect(plan.config.listen).toBe(running.listen);
    expect(plan.config.server).toEqual(running.server);
    expect(plan.config.checkpoint).toEqual(running.checkpoint);
    expect(plan.config.sources[0]?.labels).toEqual({ team: "a" });
    // Labels alone are no change of the source: it runs on.
    expect(plan.stop).toEqual([]);
    // What applies at once is taken.
    expect(plan.config.labelCaps.code).toBe(5);
    expect(plan.config.logLevel).toBe("debug");
  });

  it("keeps a stdin source as it runs: it cannot be read again from where it was", () => {
    const running = config({}, [{ name: "in", paths: ["-"] }]);
    const plan = planReload(running, config({}, [{ name: "in", paths: ["-"], maxRecordBytes: 10 }]));
    expect(plan.stop).toEqual([]);
    expect(plan.start).toEqual([]);
    expect(plan.restartNeeded).toEqual(["sources.0 (in reads stdin)"]);
    expect(plan.config.sources).toEqual(running.sources);
  });
});
