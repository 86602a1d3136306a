import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lineStartNear } from "../../../src/analyze/file-range.js";
import { makeTempDir } from "../../helpers/cli-process.js";
import { criRecords, dockerRecords, everyBytes } from "../../helpers/container-records.js";

describe("where analyze splits a file for two threads", () => {
  it("never inside a container runtime's partial sequence", async () => {
    const dir = await makeTempDir("are-split-");
    const line = JSON.stringify({ RequestId: "S1", Code: "Throttling", Message: "m".repeat(300) });
    const long = JSON.stringify({ RequestId: "S2", Message: "m".repeat(100 * 1024) });
    for (const [records, split] of [
      [criRecords, criRecords(line, [100, 200])],
      [dockerRecords, dockerRecords(line, [100, 200])],
      // A sequence longer than one read of the file (64 KiB).
      [criRecords, criRecords(long, everyBytes(long, 16 * 1024))],
    ] as const) {
      const head = records(line);
      const path = join(dir, `${records.name}-${split.length}.log`);
      writeFileSync(path, Buffer.concat([head, split, head]));
      // A position inside the split body's first record: its next records continue the line.
      const at = lineStartNear(path, head.length + 10);
      expect(at).toBe(head.length + split.length);
    }
    // Raw lines: the second line start after the position (the first one's line began before it).
    const raw = join(dir, "raw.log");
    writeFileSync(raw, `${line}\n${line}\n${line}\n`);
    expect(lineStartNear(raw, 10)).toBe(2 * (line.length + 1));
  });
});
