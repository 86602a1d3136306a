import { describe, expect, it } from "vitest";
import { analyzeBuffer } from "../../../src/analyze/in-memory.js";

/** The text before a body on its line (src/framing/prefix-text.ts) gives `Action=` and the status. */

const b = (s: string) => Buffer.from(s);

describe("text before the body", () => {
  it("Action= more than 4 KiB before the body on its line still gives the action", () => {
    const r = analyzeBuffer(b(`GET /?Action=DescribeFoo&x=${"a".repeat(5000)} {"RequestId":"R"}\n`));
    expect(r.events[0]?.action).toBe("DescribeFoo");
  });
});

describe("text before the second body of a line", () => {
  it("is the text since the body before it began: the line's status and action go to the first body", () => {
    const line = `GET /?Action=DescribeFoo HTTP/1.1 429 {"RequestId":"A","Code":"Throttling"} then {"RequestId":"B","Code":"InvalidParameter"}\n`;
    const [first, second] = analyzeBuffer(b(line)).events;
    expect(first).toMatchObject({ requestId: "A", action: "DescribeFoo", status: 429 });
    expect(second).toMatchObject({ requestId: "B", action: "unknown", status: 400 });
  });

  it("holds for a quoted string's responses after a body too", () => {
    const inner = JSON.stringify(JSON.stringify({ RequestId: "B", Code: "InvalidParameter" }));
    const line = `HTTP/1.1 429 {"RequestId":"A","Code":"Throttling"} then ${inner}\n`;
    const [first, second] = analyzeBuffer(b(line)).events;
    expect(first).toMatchObject({ requestId: "A", status: 429 });
    expect(second).toMatchObject({ requestId: "B", status: 400 });
  });

  it("keeps what stands between the two bodies", () => {
    const line = `{"RequestId":"A"} next: Action=RunInstances HTTP/1.1 503 {"RequestId":"B","Code":"ServiceUnavailable"}\n`;
    const events = analyzeBuffer(b(line)).events;
    expect(events[1]).toMatchObject({ requestId: "B", action: "RunInstances", status: 503 });
  });

  it("of a line of thousands of bodies is short, so the line costs its own length", () => {
    const bodies = Array.from({ length: 5000 }, (_, i) => `{"RequestId":"M${i}","Code":"Throttling"}`);
    const events = analyzeBuffer(b(`HTTP/1.1 429 ${bodies.join(" ")}\n`)).events;
    expect(events).toHaveLength(5000);
    expect(events[0]?.status).toBe(429);
    expect(events[4999]?.status).toBe(400);
  });
});
