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
