/**
 * docs/design.md §3 "One line never blocks the loop": under `run`'s turn budget a line whose
 * examination takes too long stops at a candidate — of the line, or of the decoded text of one of
 * its strings — and goes on in the next turn of the event loop. These tests give the pipeline no
 * budget at all (it stops at every candidate it may stop at) and check that the outcome is the same
 * as in one go: every golden fixture, and lines made of thousands of responses of each shape.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { eventJson } from "../../../src/analyze/event-json.js";
import { analyzeChunks, shippedCatalog } from "../../../src/analyze/in-memory.js";
import type { ApiResponse } from "../../../src/core/records.js";
import { redactSecrets } from "../../../src/core/redact.js";
import { type Totals, TotalsBuilder } from "../../../src/core/totals.js";
import type { LogFormat } from "../../../src/decoders/line-decoder.js";
import { Extractor } from "../../../src/extract/extractor.js";
import { RecordPipeline } from "../../../src/pipeline.js";

const fixtureDir = fileURLToPath(new URL("../../fixtures/", import.meta.url));
const scenarios = readdirSync(fixtureDir)
  .filter((f) => f.endsWith(".log"))
  .map((f) => f.slice(0, -".log".length))
  .sort();

function formatOf(name: string): LogFormat | undefined {
  const file = join(fixtureDir, `${name}.format`);
  return existsSync(file) ? (readFileSync(file, "utf8").trim() as LogFormat) : undefined;
}

/** Splits `input` into chunks of `size` bytes. */
function chunked(input: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < input.length; i += size) out.push(input.subarray(i, Math.min(input.length, i + size)));
  return out;
}

interface InTurns {
  events: ApiResponse[];
  summary: Totals;
  /** Turns of the event loop that ran while the pipeline's pushes were going on. */
  turns: number;
}

/**
 * Like analyzeChunks, but with a turn budget of 0 ms and a look at the clock before every
 * candidate; each chunk is pushed from a buffer that is overwritten as soon as `push` returns (a
 * source reuses its read buffer), and the next is pushed only when the previous push is done.
 */
async function inTurns(chunks: readonly Buffer[], format?: LogFormat): Promise<InTurns> {
  const events: ApiResponse[] = [];
  const totals = new TotalsBuilder();
  const pipeline = new RecordPipeline({
    source: "test",
    extractor: new Extractor(shippedCatalog()),
    now: () => 0,
    format,
    turn: { ms: 0, checkEvery: 1, minLineBytes: 0 },
    onBatch: (_source, responses, counts) => {
      for (const r of responses) events.push(r);
      totals.add(responses, counts);
    },
  });
  let turns = 0;
  let pushing = true;
  const tick = (): void => {
    if (!pushing) return;
    turns++;
    setImmediate(tick);
  };
  for (const chunk of chunks) {
    const reused = Buffer.from(chunk);
    const going = pipeline.push(reused);
    reused.fill(0x7e);
    if (going) {
      setImmediate(tick);
      await going;
    }
  }
  pushing = false;
  pipeline.end();
  return { events, summary: totals.totals, turns };
}

const printed = (events: readonly ApiResponse[]): string[] => events.map((e) => eventJson(e, redactSecrets));

async function expectSame(input: Buffer, chunkBytes: number, format?: LogFormat): Promise<InTurns> {
  const once = analyzeChunks(chunked(input, chunkBytes), { source: "test", format });
  const turned = await inTurns(chunked(input, chunkBytes), format);
  expect(printed(turned.events)).toEqual(printed(once.events));
  expect(turned.summary).toEqual(once.summary);
  return turned;
}

describe("a line examined over several turns gives what it gives in one", () => {
  it.each(scenarios)("golden fixture %s", async (name) => {
    const input = readFileSync(join(fixtureDir, `${name}.log`));
    for (const size of [input.length + 1, 7, 64]) await expectSame(input, size, formatOf(name));
  });

  const escaped = (s: string): string => JSON.stringify(s).slice(1, -1);
  const body = (i: number): string =>
    JSON.stringify({
      RequestId: `T-${i}`,
      Code: i % 3 === 0 ? "Throttling.User" : "InternalError",
      Message: "m",
    });
  const many = (n: number, each: (i: number) => string, sep = ""): string =>
    Array.from({ length: n }, (_, i) => each(i)).join(sep);

  const xml = (i: number): string => `<Error><RequestId>X-${i}</RequestId><Code>InternalError</Code></Error>`;
  const statusEvery5 = (each: (i: number) => string) => (i: number) =>
    i % 5 === 0 ? `HTTP/1.1 40${i % 4} ${each(i)}` : each(i);

  const dense: Record<string, string> = {
    "bodies in a string of a log record": `{"level":50,"time":1764576000000,"msg":"${many(400, (i) => escaped(body(i)), " ")}"}\n`,
    "bodies two strings deep": `{"log":"${escaped(`{"level":50,"msg":"${many(60, (i) => escaped(body(i)), " ")}"}`)}\\n"}\n`,
    "bodies on the line itself": `${many(400, (i) => `[a] ${body(i)}`, " ")}\n`,
    // Only every fifth body has a status before it: the others' text since the body before has none.
    "bodies after a status on the line": `${many(400, (i) => (i % 5 === 0 ? `HTTP/1.1 40${i % 4} ${body(i)}` : body(i)), " ")}\n`,
    "SDK strings on one line": `${many(300, (i) => `ServerException: HTTP Status: 400 Error:Throttling.User denied. RequestID: S-${i}. `)}\n`,
    "SDK strings in a string": `{"level":50,"msg":"${many(300, (i) => `HTTP Status: 400 Error:Throttling.User denied RequestID: Q-${i} `)}"}\n`,
    "quoted strings in free text": `${many(300, (i) => `x "${escaped(body(i))}" `)}\n`,
    "a string's text over several lines": `{"msg":"${escaped(many(200, (i) => `2026-12-01T08:00:00Z ${body(i)}`, "\n"))}"}\n`,
    "bodies, then a body open past its line": `${many(200, (i) => body(i), " ")} {"RequestId":"OPEN",\n"Code":"X"}\n`,
    // Examined where it stands in the line (no escapes), which moves when the line is copied.
    "XML bodies after statuses in a string": `{"msg":"${many(300, statusEvery5(xml), " ")}"}\n`,
    // Decoded into a buffer of its own each time (over 64 KiB).
    "a string over 64 KiB of bodies after statuses": `{"msg":"${escaped(many(800, statusEvery5(body), " "))}"}\n`,
    // Its lines are examined again when the probe settles the body: they may stop between two.
    "a cut XML body, then text lines": `<Error><RequestId>T1</RequestId><Code>Thrott\n${"plain text line\n".repeat(300)}${body(77)}\n`,
    "two strings, the second long": `{"a":"${escaped(body(1))}","b":"${many(300, (i) => escaped(body(i + 10)), " ")}"}\n`,
    "a failed body before a Python bytes literal": `Response-body: b'${many(100, (i) => body(i).replace(/"/g, '"'), " ")}' ${many(50, (i) => body(i + 500))}\n`,
  };

  it.each(Object.keys(dense))("%s: same events, over more than one turn", async (name) => {
    // Not at the chunk's start: a line that stops is copied, and its positions move.
    const line = Buffer.from(`start\n${(dense[name] as string).repeat(2)}${body(9999)}\n`);
    for (const size of [line.length + 1, 4096, 333]) {
      const turned = await expectSame(line, size);
      expect(turned.events.length).toBeGreaterThan(0);
      if (size > line.length) expect(turned.turns).toBeGreaterThan(1);
    }
  });
});

describe("which lines stop", () => {
  const body = (i: number): string => JSON.stringify({ RequestId: `S-${i}`, Code: "Throttling.User" });
  const pipeline = (): RecordPipeline =>
    new RecordPipeline({
      source: "test",
      extractor: new Extractor(shippedCatalog()),
      turn: { ms: 0, checkEvery: 1 },
      onBatch: () => {},
    });

  it("a chunk of short lines is done in its push, however many responses they hold", () => {
    const short = `${Array.from({ length: 100 }, (_, i) => body(i)).join(" ")}\n`.repeat(20);
    expect(pipeline().push(Buffer.from(short))).toBeUndefined();
  });

  it("a line of 64 KiB or more goes on in later turns when the turn is spent", async () => {
    let line = "";
    for (let i = 0; line.length < 64 * 1024; i++) line += `${body(i)} `;
    const going = pipeline().push(Buffer.from(`${line}\n`));
    expect(going).toBeInstanceOf(Promise);
    await going;
  });
});
