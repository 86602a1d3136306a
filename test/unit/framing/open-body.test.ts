/**
 * Bounded waiting (DESIGN §3): a body left open holds back the responses after it only until a line
 * that is a complete response of its own, or a pause of the input (`flush`, which the sources call
 * after partialLineTimeoutMs of quiet); an XML declaration that never closes fails at its line.
 * These run the real pipeline and look at what reached the sinks *before* the input ended.
 */
import { describe, expect, it } from "vitest";
import { shippedCatalog } from "../../../src/analyze/in-memory.js";
import { type ApiResponse, emptyCounts, type LineCounts } from "../../../src/core/records.js";
import { Extractor } from "../../../src/extract/extractor.js";
import { RecordPipeline } from "../../../src/pipeline.js";

function pipeline(): { p: RecordPipeline; got: ApiResponse[]; counts: LineCounts } {
  const got: ApiResponse[] = [];
  const counts = emptyCounts();
  const p = new RecordPipeline({
    source: "t",
    extractor: new Extractor(shippedCatalog()),
    onBatch: (_s, responses, c) => {
      got.push(...responses);
      counts.lines += c.lines;
      counts.malformed += c.malformed;
      counts.nonResponse += c.nonResponse;
    },
  });
  return { p, got, counts };
}

function jsonLines(n: number, from = 0): string {
  let s = "";
  for (let i = from; i < from + n; i++) s += `{"RequestId":"J${i}","Code":"Throttling"}\n`;
  return s;
}

describe("an open body holds back later responses only for a bounded time and lines", () => {
  it("a cut XML body followed by 1,000 JSON responses: all reach the sinks before the input ends", () => {
    const { p, got, counts } = pipeline();
    p.push(Buffer.from(`<Error><RequestId>T1</RequestId><Code>Thrott\n${jsonLines(1000)}`));
    expect(got.length).toBe(1000);
    expect(got[0]?.requestId).toBe("J0");
    expect(counts.malformed).toBe(1);
    expect(p.pendingBytes).toBe(0);
  });

  it("an XML declaration that never closes fails at its line", () => {
    const { p, got } = pipeline();
    p.push(
      Buffer.from(`<?xml version="1.0"?.<Error><RequestId>X1</RequestId><Code>Forbidden</Code></Error>\n`),
    );
    p.push(Buffer.from(`<?xml version="1.0" encoding="UTF-8"\n${jsonLines(3)}`));
    expect(got.map((r) => r.requestId)).toEqual(["X1", "J0", "J1", "J2"]);
    expect(p.pendingBytes).toBe(0);
  });

  it("a pause of the input (flush) settles an open body: its lines are counted, the rest is found", () => {
    const { p, got, counts } = pipeline();
    p.push(Buffer.from('{\n  "RequestId": "P1",\n  "Code": "Thrott'));
    p.push(Buffer.from('ling"\n'));
    expect(p.pendingBytes).toBeGreaterThan(0);
    p.flush();
    expect(p.pendingBytes).toBe(0);
    expect(counts.lines).toBe(3);
    expect(got.length).toBe(0);
    // A pretty body that completes before the pause is still one response.
    p.push(Buffer.from('{\n  "RequestId": "P2",\n  "Code": "Throttling"\n}\n'));
    expect(got.map((r) => r.requestId)).toEqual(["P2"]);
  });

  it("a line that is a complete response of its own settles an open XML body", () => {
    const { p, got, counts } = pipeline();
    p.push(Buffer.from("<Error>\n  <RequestId>T2</RequestId>\n  <Code>Thrott\n"));
    p.push(Buffer.from("<Error><RequestId>T3</RequestId><Code>Forbidden</Code></Error>\n"));
    expect(got.map((r) => r.requestId)).toEqual(["T3"]);
    expect(counts.malformed).toBe(3);
    expect(p.pendingBytes).toBe(0);
  });

  it("an SDK text block is held like an open body: pending bytes until it ends, then one response", () => {
    const { p, got } = pipeline();
    const first =
      "com.aliyuncs.exceptions.ServerException: Throttling.User : Request was denied due to user flow control.\n";
    p.push(Buffer.from(first));
    expect(got).toEqual([]);
    expect(p.pendingBytes).toBe(Buffer.byteLength(first));
    p.push(Buffer.from("RequestId : 9519ABCD-0001\n"));
    p.push(Buffer.from('{"RequestId":"J9","Code":"OK"}\n'));
    expect(got.map((r) => [r.requestId, r.format])).toEqual([
      ["9519ABCD-0001", "text"],
      ["J9", "json"],
    ]);
    expect(p.pendingBytes).toBe(0);
  });

  it("a pause settles an open SDK text block", () => {
    const { p, got } = pipeline();
    p.push(Buffer.from("SDK.ServerError\nErrorCode: Throttling.User\nRequestId: 5E8B-T1\n"));
    expect(p.pendingBytes).toBeGreaterThan(0);
    p.flush();
    expect(got.map((r) => r.requestId)).toEqual(["5E8B-T1"]);
    expect(p.pendingBytes).toBe(0);
  });
});
