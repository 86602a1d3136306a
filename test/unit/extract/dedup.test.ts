/**
 * "One request, counted once" (README): the request-id window, the batch rule (a body beats an SDK
 * string of the same request), and the property that an SDK string and its body, in any order and
 * at any distance within the window, count once whatever the chunking.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeChunks } from "../../../src/analyze/in-memory.js";
import type { ApiResponse } from "../../../src/core/records.js";
import { dedupBatch, isPlaceholderId } from "../../../src/extract/dedup.js";
import { RequestIdWindow } from "../../../src/extract/request-id-window.js";

function response(requestId: string, format: ApiResponse["format"] = "json", code = ""): ApiResponse {
  return {
    requestId,
    hostId: null,
    code,
    message: null,
    parameter: null,
    status: "unknown",
    statusSource: "none",
    category: "success",
    error: false,
    retryable: false,
    action: "unknown",
    format,
    source: "test",
    lineStart: 1,
    lineEnd: 1,
    time: 0,
    timeSource: "read",
  };
}

const ids = (rs: readonly ApiResponse[]) => rs.map((r) => `${r.requestId}/${r.format}`);

/** Longer than the characters a ring slot holds in place: kept as a string. */
const LONG_ID = "0123456789abcdef".repeat(4);

describe("RequestIdWindow", () => {
  it("remembers the last N ids, duplicates included, in bounded memory", () => {
    const w = new RequestIdWindow(3);
    for (const id of ["a", "b", "c"]) w.add(id);
    expect(w.has("a")).toBe(true);
    w.add("d"); // a leaves
    expect([w.has("a"), w.has("b"), w.has("c"), w.has("d")]).toEqual([false, true, true, true]);
    w.add("b"); // b again: it stays for three more ids although its first slot is reused
    w.add("e");
    w.add("f");
    expect([w.has("b"), w.has("c"), w.has("d")]).toEqual([true, false, false]);
    w.add("g");
    expect(w.has("b")).toBe(false);
    for (let i = 0; i < 10_000; i++) w.add(`x${i}`);
    // Bounded: as many table places as for a window of 3, whatever was added.
    const places = (x: RequestIdWindow) => (x as unknown as { table: Int32Array }).table.length;
    expect(places(w)).toBe(places(new RequestIdWindow(3)));
  });

  it("answers as the list of the last N ids added, for any sequence (many repeats, any N)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(
          fc.constantFrom(
            "a",
            "b",
            "c",
            "d",
            "e",
            "f",
            "g",
            "h",
            "ab",
            "ba",
            "5E8B-1",
            LONG_ID,
            `${LONG_ID}x`,
            "ré-1",
            "请求-1",
          ),
          {
            maxLength: 300,
          },
        ),
        (size, seq) => {
          const w = new RequestIdWindow(size);
          const last: string[] = [];
          for (const id of seq) {
            for (const probe of ["a", "b", "ab", "5E8B-1", LONG_ID, "请求-1", id]) {
              if (w.has(probe) !== last.includes(probe)) return false;
            }
            w.add(id);
            last.push(id);
            if (last.length > size) last.shift();
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });

  it("seen(id) adds the id and answers has(id) as it was before, for any sequence", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        // Indexes moved down (as past 2^30 ids) at each change of generation past index 5 or 30, or never.
        fc.constantFrom(Number.POSITIVE_INFINITY, 5, 30),
        // "š" (U+0161) and "a" share their low byte: a slot's characters are bytes.
        fc.array(fc.constantFrom("a", "b", "c", "d", "e", "ab", "š", "šb", "5E8B-1", LONG_ID, "请求-1"), {
          maxLength: 300,
        }),
        (size, indexLimit, seq) => {
          const w = new RequestIdWindow(size, indexLimit);
          const last: string[] = [];
          for (const id of seq) {
            if (w.seen(id) !== last.includes(id)) return false;
            last.push(id);
            if (last.length > size) last.shift();
            for (const probe of ["a", "ab", "š", LONG_ID, id])
              if (w.has(probe) !== last.includes(probe)) return false;
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });

  it("placeholders: empty, all-* and all-x ids", () => {
    expect(["", "xxx", "XXXX", "****", "x", "*"].every(isPlaceholderId)).toBe(true);
    expect(["xa1", "5E8B-1", "A*"].some(isPlaceholderId)).toBe(false);
  });
});

describe("dedupBatch", () => {
  it("a request id already counted is a duplicate, in this batch or an earlier one", () => {
    const w = new RequestIdWindow(10);
    expect(ids(dedupBatch([response("a"), response("b"), response("a")], w).kept)).toEqual([
      "a/json",
      "b/json",
    ]);
    const second = dedupBatch([response("b"), response("c")], w);
    expect([ids(second.kept), second.duplicates]).toEqual([["c/json"], 1]);
  });

  it("placeholder and empty ids never deduplicate", () => {
    const w = new RequestIdWindow(10);
    const rs = ["", "", "xxx", "xxx", "****", "****"].map((id) => response(id));
    expect(dedupBatch(rs, w)).toEqual({ kept: rs, duplicates: 0 });
  });

  it("within a batch the body is counted, before or after the SDK string", () => {
    const w = new RequestIdWindow(10);
    const { kept } = dedupBatch(
      [response("a", "text"), response("x"), response("a", "xml"), response("a", "json")],
      w,
    );
    expect(ids(kept)).toEqual(["x/json", "a/xml"]);
    // Seen already in an earlier batch: every later one is a duplicate, body or not.
    expect(dedupBatch([response("a", "json")], w).duplicates).toBe(1);
  });

  it("across batches the first one seen counts", () => {
    const w = new RequestIdWindow(10);
    expect(ids(dedupBatch([response("a", "text")], w).kept)).toEqual(["a/text"]);
    expect(dedupBatch([response("a", "json")], w).kept).toEqual([]);
  });
});

const SDK_ID = "7F3A0000-1111-2222-3333-444455556666";
const sdkString = `2026-11-29 10:00:00 ERROR ServerException: HTTP Status: 400 Error:Throttling.User Request was denied. RequestID: ${SDK_ID}`;
const body = `{"RequestId":"${SDK_ID}","HostId":"ecs.aliyuncs.com","Code":"Throttling.User","Message":"Request was denied.","statusCode":429}`;

describe("property: an SDK string and its body count once", () => {
  it("in any order and distance within the window, whatever the chunks", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant("plain log line"), fc.nat({ max: 99_999 })), { maxLength: 60 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 4096 }),
        (filler, a, b, chunkSize) => {
          const lines = filler.map((f, i) =>
            typeof f === "string" ? f : `{"RequestId":"filler-${i}-${f}","Code":"OK"}`,
          );
          lines.splice(a % (lines.length + 1), 0, sdkString);
          lines.splice(b % (lines.length + 1), 0, body);
          const input = Buffer.from(`${lines.join("\n")}\n`);
          const chunks: Buffer[] = [];
          for (let i = 0; i < input.length; i += chunkSize) chunks.push(input.subarray(i, i + chunkSize));
          const { events, summary } = analyzeChunks(chunks);
          const mine = events.filter((e) => e.requestId === SDK_ID);
          expect(mine).toHaveLength(1);
          expect(summary.duplicates).toBe(1);
          expect(summary.responses).toBe(events.length);
          expect(summary.unrecognizedLines).toBe(filler.filter((f) => typeof f === "string").length);
          // In one batch (the whole input in one chunk) the body's fields win.
          if (chunkSize >= input.length) expect([mine[0]?.format, mine[0]?.status]).toEqual(["json", 429]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("beyond the window the same id counts again", () => {
    const lines = [body, ...Array.from({ length: 5 }, (_, i) => `{"RequestId":"f${i}"}`), sdkString];
    const input = Buffer.from(`${lines.join("\n")}\n`);
    const small = analyzeChunks([input], { dedup: new RequestIdWindow(5) });
    expect(small.summary.duplicates).toBe(0);
    const enough = analyzeChunks([input], { dedup: new RequestIdWindow(6) });
    expect(enough.summary.duplicates).toBe(1);
    expect(analyzeChunks([input], { dedup: null }).summary.duplicates).toBe(0);
  });
});
