/**
 * One totals type (docs/design.md §3, line accounting): `analyze --json` and the metrics' snapshot
 * (status page) add up the same batches the same way. Unrecognised lines are every line that is not
 * part of a response: malformed + not a response + oversized.
 */
import { describe, expect, it } from "vitest";
import { analyzeBuffer, shippedCatalog } from "../../../src/analyze/in-memory.js";
import { Extractor } from "../../../src/extract/extractor.js";
import { ExporterMetrics } from "../../../src/metrics/exporter-metrics.js";
import { RecordPipeline } from "../../../src/pipeline.js";

const INPUT = Buffer.from(
  [
    '{"RequestId":"S1","HostId":"ecs.aliyuncs.com"}',
    '{"RequestId":"E1","HostId":"ecs.aliyuncs.com","Code":"Throttling.User","Message":"slow down"}',
    '{"RequestId":"E2","Code":"Forbidden.RAM","Message":"no"}',
    '{"RequestId":"E1","Code":"Throttling.User"}', // the same request again: a duplicate
    '{"RequestId":"M1","Code":', // malformed
    "GET /healthz 200", // not a response
    `{"RequestId":"O1","Message":"${"x".repeat(300)}"}`, // oversized
    "<Error><RequestId>X1</RequestId><Code>InternalError</Code></Error>",
    "",
  ].join("\n"),
);
const LIMITS = { maxRecordBytes: 256, maxMultilineBytes: 256 };

function metricsOf(input: Buffer): ExporterMetrics {
  const metrics = new ExporterMetrics({ processMetrics: false });
  const pipeline = new RecordPipeline({
    source: "test",
    extractor: new Extractor(shippedCatalog()),
    now: () => 0, // as analyzeBuffer: a fixed read time
    ...LIMITS,
    onBatch: (source, responses, counts) => metrics.recordBatch(source, responses, counts),
  });
  pipeline.push(input);
  pipeline.end();
  return metrics;
}

describe("totals", () => {
  it("analyze and the metrics' snapshot count the same batches the same way", () => {
    const { summary } = analyzeBuffer(INPUT, LIMITS);
    const { byAction, labelOverflow, ...snapshot } = metricsOf(INPUT).snapshot();
    expect(snapshot).toEqual(summary);
    expect(byAction).toEqual({ unknown: 4 });
    expect(labelOverflow).toEqual({ action: 0, code: 0, endpoint: 0, series: 0 });
  });

  it("unrecognised lines are malformed + not a response + oversized", () => {
    const { byAction: _, labelOverflow: __, ...snapshot } = metricsOf(INPUT).snapshot();
    for (const totals of [analyzeBuffer(INPUT, LIMITS).summary, snapshot]) {
      expect(totals).toMatchObject({
        lines: 8,
        responses: 4,
        success: 1,
        errors: 3,
        throttled: 1,
        duplicates: 1,
        malformedLines: 1,
        nonResponseLines: 1,
        oversizedLines: 1,
        unrecognizedLines: 3,
      });
    }
  });
});
