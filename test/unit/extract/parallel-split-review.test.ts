/**
 * Reviewer's cases for README "One request, counted once" (`analyze` on two threads, files of
 * 32 MiB and more, gives the same counts as one thread): SDK blocks, a tea block with its `Data:`
 * body, and CRI / docker partial records repeated over 3 MiB, so that the split lands inside one:
 * analyze is told to split files of 2 MiB and more (ALIYUN_RESPONSE_EXPORTER_PARALLEL_MIN_BYTES)
 * and prints only its summary (events keep one thread). The expected counts come from how each file
 * was built, not from a sequential run.
 */
import { describe, expect, it } from "vitest";
import { analyzeText } from "../../helpers/analyze-cli.js";

const E = JSON.stringify;
const SIZE = 3 * 1024 * 1024;
/** Two threads for files of SPLIT_BYTES and more: each file below crosses it. */
const SPLIT_BYTES = 2 * 1024 * 1024;
const TWO_THREADS = {
  events: false,
  env: { ALIYUN_RESPONSE_EXPORTER_PARALLEL_MIN_BYTES: String(SPLIT_BYTES) },
  timeoutMs: 60_000,
} as const;
const T = "2026-12-01T08:00:00.123456789Z";

/** Repeats `unit(i)` past SIZE; returns the text and how many units it holds. */
function build(unit: (i: number) => string): { text: string; n: number } {
  const parts: string[] = [];
  let size = 0;
  let n = 0;
  while (size < SIZE) {
    const u = unit(n++);
    parts.push(u);
    size += u.length;
  }
  return { text: parts.join(""), n };
}

const goBlock = (id: string) =>
  `SDK.ServerError\nErrorCode: Throttling.User\nRecommend: https://api.aliyun.com/troubleshoot\nRequestId: ${id}\nMessage: Request was denied.\nRespHeaders: map[]\n`;
const teaBlock = (id: string) =>
  `SDKError:\n   StatusCode: 400\n   Code: InvalidParameter\n   Message: code: 400, bad request id: ${id}\n   Data: ${E({ RequestId: id, HostId: "ecs.aliyuncs.com", Code: "InvalidParameter" })}\n`;

describe("analyze's two threads give the counts the rules give, whatever is cut at the split", () => {
  it("Go SDK blocks, every fifth followed by a Python string of the same request", () => {
    const { text, n } = build(
      (i) =>
        goBlock(`G-${i}`) +
        (i % 5 === 0 ? `HTTP Status: 400 Error:Throttling.User x RequestID: G-${i}\n` : "") +
        "plain line\n",
    );
    const r = analyzeText(text, TWO_THREADS);
    expect(r.summary).toMatchObject({
      responses: n,
      duplicates: Math.ceil(n / 5),
      nonResponseLines: n,
      malformedLines: 0,
      byCode: { "Throttling.User": n },
    });
  }, 90_000);

  it("tea blocks with their Data body: one response each, the status stated", () => {
    const { text, n } = build((i) => teaBlock(`T-${i}`));
    const r = analyzeText(text, TWO_THREADS);
    expect(r.summary).toMatchObject({
      responses: n,
      duplicates: n,
      nonResponseLines: 0,
      malformedLines: 0,
      byStatus: { "400": n },
    });
  }, 90_000);

  it("CRI lines each split into three partial records", () => {
    const { text, n } = build((i) => {
      const body = E({
        RequestId: `C-${i}`,
        Code: i % 2 ? "Throttling" : "InternalError",
        Pad: "p".repeat(60),
      });
      const a = body.slice(0, 20);
      const b = body.slice(20, 50);
      const c = body.slice(50);
      return `${T} stdout P ${a}\n${T} stdout P ${b}\n${T} stdout F ${c}\n`;
    });
    const r = analyzeText(text, TWO_THREADS);
    expect(r.summary).toMatchObject({ lines: n, responses: n, malformedLines: 0, nonResponseLines: 0 });
  }, 90_000);

  it("docker json-file lines each split into two records", () => {
    const { text, n } = build((i) => {
      const body = E({ RequestId: `D-${i}`, Code: "Throttling", Pad: "p".repeat(60) });
      return `${E({ log: body.slice(0, 30), stream: "stdout", time: T })}\n${E({ log: `${body.slice(30)}\n`, stream: "stdout", time: T })}\n`;
    });
    const r = analyzeText(text, TWO_THREADS);
    expect(r.summary).toMatchObject({ lines: n, responses: n, malformedLines: 0, nonResponseLines: 0 });
  }, 90_000);
});
