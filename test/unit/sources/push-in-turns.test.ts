/**
 * A sink whose push goes on over several turns (docs/design.md §3 "One line never blocks the
 * loop"): the real file source waits for it before it reads on or stores a checkpoint. The sink is
 * the real record pipeline with no turn budget at all (it stops at every candidate it may), reading
 * a real file with a line of hundreds of responses in a string.
 */
import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { analyzeBuffer, shippedCatalog } from "../../../src/analyze/in-memory.js";
import type { ApiResponse } from "../../../src/core/records.js";
import { Extractor } from "../../../src/extract/extractor.js";
import { RecordPipeline } from "../../../src/pipeline.js";
import { CheckpointStore } from "../../../src/sources/checkpoints.js";
import { FileSource } from "../../../src/sources/file-source.js";
import { sourceOptions, tempDir } from "../../helpers/tail-harness.js";
import { waitUntil } from "../../helpers/wait.js";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const escaped = (s: string): string => JSON.stringify(s).slice(1, -1);
const body = (i: number): string =>
  JSON.stringify({ RequestId: `P-${i}`, Code: "Throttling.User", Message: "m" });

it("the file source reads on only once a push that goes on over turns is done, its checkpoint before the line meanwhile", async () => {
  const t = await tempDir("push-turns-");
  cleanup = t.cleanup;
  const first = "a plain line\n";
  const long = `{"level":50,"msg":"${Array.from({ length: 300 }, (_, i) => escaped(body(i))).join(" ")}"}\n`;
  // Then more than the source reads at once: it must not push it while the long line goes on.
  const after = Array.from({ length: 3000 }, (_, i) => `${body(1000 + i)}\n`).join("");
  const input = Buffer.from(`${first}${long}${after}`);
  const file = join(t.dir, "app.log");
  await writeFile(file, first);

  const store = new CheckpointStore(null);
  const events: ApiResponse[] = [];
  let promises = 0;
  /** Checkpoints stored while a push was going on. */
  const storedMeanwhile: number[] = [];
  let going = false;
  const source = new FileSource(
    sourceOptions(t.dir),
    {
      openSink: () => {
        const pipeline = new RecordPipeline({
          source: "app",
          extractor: new Extractor(shippedCatalog()),
          turn: { ms: 0, checkEvery: 1, minLineBytes: 0 },
          onBatch: (_s, responses) => {
            for (const r of responses) events.push(r);
          },
        });
        return {
          get pendingBytes() {
            return pipeline.pendingBytes;
          },
          flush: () => pipeline.flush(),
          end: () => pipeline.end(),
          push: (data: Buffer) => {
            if (going) throw new Error("pushed while the previous push was going on");
            const p = pipeline.push(data);
            if (p === undefined) return undefined;
            promises++;
            going = true;
            const sample = setInterval(() => {
              for (const e of store.entries("app").values()) storedMeanwhile.push(e.offset);
            }, 1);
            return p.finally(() => {
              clearInterval(sample);
              going = false;
            });
          },
        };
      },
    },
    { checkpoints: store },
  );
  const stored = (): number | undefined => [...store.entries("app").values()][0]?.offset;
  await source.start();
  try {
    await waitUntil("the first line's checkpoint", stored, (offset) => offset === first.length, 15_000, 10);
    await appendFile(file, input.subarray(first.length));
    await waitUntil(
      "every line read and its checkpoint stored",
      stored,
      (offset) => offset === input.length,
      15_000,
      10,
    );
  } finally {
    await source.stop();
  }
  expect(promises).toBeGreaterThan(0);
  expect(storedMeanwhile.length).toBeGreaterThan(0);
  // While the long line went on, the checkpoint stayed before it (a restart reads it again).
  for (const offset of storedMeanwhile) expect(offset).toBeLessThanOrEqual(first.length);
  const once = analyzeBuffer(input, { source: "app" });
  expect(events.map((e) => e.requestId)).toEqual(once.events.map((e) => e.requestId));
  expect(events.length).toBe(3300);
});
