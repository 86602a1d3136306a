/**
 * The worker's first responses, kept compactly for the main thread (src/analyze/region-head.ts):
 * expanded again they count, and deduplicate, exactly as the responses themselves would.
 */
import { describe, expect, it } from "vitest";
import { addToHead, emptyHead, headResponses, type ShapeIndex } from "../../../src/analyze/region-head.js";
import { emptyCounts } from "../../../src/core/records.js";
import { TotalsBuilder } from "../../../src/core/totals.js";
import { dedupBatch } from "../../../src/extract/dedup.js";
import { RequestIdWindow } from "../../../src/extract/request-id-window.js";
import { throttlingResponse } from "../../helpers/api-response.js";

const RESPONSES = [
  throttlingResponse({ requestId: "A" }),
  throttlingResponse({ requestId: "B", code: "", status: "unknown", category: "success", error: false }),
  throttlingResponse({ requestId: "A", format: "text" }),
  throttlingResponse({
    requestId: "C",
    action: "RunInstances",
    code: "InternalError",
    category: "server_error",
  }),
  throttlingResponse({ requestId: "" }),
  throttlingResponse({ requestId: "D", format: "text" }),
  throttlingResponse({ requestId: "D", format: "xml", status: 503 }),
];

function totalsOf(batch: Parameters<typeof dedupBatch>[0]): TotalsBuilder {
  const { kept, duplicates } = dedupBatch(batch, new RequestIdWindow(10));
  const b = new TotalsBuilder();
  b.add(kept, { ...emptyCounts(), duplicate: duplicates });
  return b;
}

describe("region head", () => {
  it("keeps one shape per distinct set of totals fields, and every id in order", () => {
    const head = emptyHead();
    const shapes: ShapeIndex = new Map();
    for (const r of RESPONSES) addToHead(head, shapes, r);
    expect(head.ids).toEqual(["A", "B", "A", "C", "", "D", "D"]);
    // The placeholder reuses the first shape, D's SDK string the shape of A's.
    expect(head.shapes).toHaveLength(5);
  });

  it("expanded, counts and deduplicates as the responses themselves", () => {
    const head = emptyHead();
    const shapes: ShapeIndex = new Map();
    for (const r of RESPONSES) addToHead(head, shapes, r);
    const expanded = headResponses(head);
    expect(expanded.map((r) => [r.requestId, r.format, r.code, r.status, r.category, r.action])).toEqual(
      RESPONSES.map((r) => [r.requestId, r.format, r.code, r.status, r.category, r.action]),
    );
    const fromHead = totalsOf(expanded);
    const direct = totalsOf(RESPONSES);
    expect(fromHead.totals).toEqual(direct.totals);
    expect(fromHead.byAction).toEqual(direct.byAction);
    expect(direct.totals).toMatchObject({ responses: 5, duplicates: 2 });
  });
});
