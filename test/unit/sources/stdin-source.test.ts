import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { StdinSource } from "../../../src/sources/stdin-source.js";
import { LineCollector } from "../../helpers/line-sink.js";
import { waitUntil } from "../../helpers/wait.js";

describe("StdinSource", () => {
  it("pipes every chunk of a Readable into one sink and flushes the unfinished last line at the end", async () => {
    const c = new LineCollector();
    let bytes = 0;
    const files: string[] = [];
    const src = new StdinSource(
      "stdin",
      Readable.from([Buffer.from("a-1\na-"), "2\n", Buffer.from("tail")]),
      {
        openSink: (source, file) => {
          files.push(`${source}:${file}`);
          return c.openSink(source, file);
        },
        onBytes: (_s, n) => {
          bytes += n;
        },
      },
    );
    await src.start();
    await src.done;
    expect(c.lines).toEqual(["a-1", "a-2", "tail"]);
    expect(bytes).toBe(12);
    expect(files).toEqual(["stdin:-"]);
  });

  it("reads everything a writer streams through a small buffer, in order", async () => {
    const input = new PassThrough({ highWaterMark: 4 });
    const c = new LineCollector();
    const src = new StdinSource("in", input, { openSink: c.openSink });
    await src.start();
    for (let i = 0; i < 100; i++) input.write(`line-${i}\n`);
    input.end();
    await src.done;
    expect(c.lines).toHaveLength(100);
    expect(c.lines.at(-1)).toBe("line-99");
  });

  it("stops on request, flushing what it holds, and reports no error for that", async () => {
    const input = new PassThrough();
    const c = new LineCollector();
    const errors: Error[] = [];
    const src = new StdinSource("in", input, {
      openSink: c.openSink,
      onReadError: (_s, _f, e) => errors.push(e),
    });
    await src.start();
    input.write("x-1\npart");
    await waitUntil("the partial line", () => c.pendingBytes === 4);
    await src.stop();
    expect(c.lines).toEqual(["x-1", "part"]);
    expect(errors).toEqual([]);
  });

  it("reports a stream error and still flushes", async () => {
    const input = new PassThrough();
    const c = new LineCollector();
    const errors: string[] = [];
    const src = new StdinSource("in", input, {
      openSink: c.openSink,
      onReadError: (_s, _f, e) => errors.push(e.message),
    });
    await src.start();
    input.write("y-1\nhalf");
    await waitUntil("the partial line", () => c.pendingBytes === 4);
    input.destroy(new Error("EIO boom"));
    await src.done;
    expect(errors).toEqual(["EIO boom"]);
    expect(c.lines).toEqual(["y-1", "half"]);
  });
});
