import { describe, expect, it } from "vitest";
import { analyzeBuffer } from "../../../src/analyze/in-memory.js";

/** The totals of `analyze` (src/analyze/summary.ts). */

const b = (s: string) => Buffer.from(s);

describe("summary maps", () => {
  it("codes named like Object.prototype members are counted like any other code", () => {
    const r = analyzeBuffer(
      b(
        [
          '{"RequestId":"A","Code":"constructor"}',
          '{"RequestId":"B","Code":"__proto__"}',
          '{"RequestId":"C","Code":"toString"}',
        ].join("\n"),
      ),
    );
    const byCode = JSON.parse(JSON.stringify(r.summary.byCode)) as Record<string, unknown>;
    // Parsed, not a literal: in an object literal `__proto__: 1` would set the prototype, not a key.
    expect(byCode).toEqual(JSON.parse('{"constructor":1,"__proto__":1,"toString":1}'));
  });
});
