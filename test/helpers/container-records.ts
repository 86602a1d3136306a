/**
 * Container-runtime records, written the way containerd/CRI-O (CRI) and Docker's json-file driver
 * write them: a line cut at the given content positions into partial records and a final one.
 */

export const T0 = "2026-12-01T08:00:00.123456789Z";

/** Splits `text` at byte offsets (deduplicated, sorted, clamped) into pieces; at least one piece. */
function pieces(text: string, cuts: readonly number[]): Buffer[] {
  const bytes = Buffer.from(text);
  const points = [...new Set(cuts.map((c) => Math.min(Math.max(0, c), bytes.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    if (p <= from || p >= bytes.length) continue;
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

/** CRI records of one line: `P` for every piece but the last, which is `F`. */
export function criRecords(
  line: string,
  cuts: readonly number[] = [],
  stream: "stdout" | "stderr" = "stdout",
  time = T0,
): Buffer {
  const parts = pieces(line, cuts);
  return Buffer.concat(
    parts.flatMap((p, i) => [
      Buffer.from(`${time} ${stream} ${i === parts.length - 1 ? "F" : "P"} `),
      p,
      Buffer.from("\n"),
    ]),
  );
}

/** Cuts a line into pieces of at most `size` bytes (the runtimes' 16 KiB buffer). */
export function everyBytes(line: string, size: number): number[] {
  const n = Buffer.byteLength(line);
  const cuts: number[] = [];
  for (let p = size; p < n; p += size) cuts.push(p);
  return cuts;
}

/**
 * json-file records of one line: `log` without `\n` for every piece but the last. Cut at
 * character positions here (the driver cuts bytes, and writes a cut character as U+FFFD).
 */
export function dockerRecords(
  line: string,
  cuts: readonly number[] = [],
  stream: "stdout" | "stderr" = "stdout",
  time = T0,
  terminator = "\n",
): Buffer {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < line.length))].sort((a, b) => a - b);
  const parts = [0, ...points].map((p, i) => line.slice(p, [...points, line.length][i]));
  return Buffer.from(
    parts
      .map((p, i) => {
        const log = p + (i === parts.length - 1 ? terminator : "");
        return `${JSON.stringify({ log, stream, time })}\n`;
      })
      .join(""),
  );
}
