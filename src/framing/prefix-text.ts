/**
 * The text before a body on its line, which only `Action=` and `HTTP/1.1 400` are looked up in. A
 * long one keeps its first and last 4 KiB (an access log's URL is at the start, the status right
 * before the body), joined by a NUL that neither lookup matches across: bounded work per line.
 */
export const PREFIX_PART_BYTES = 4096;

export function prefixText(buf: Buffer, start: number, end: number): string {
  if (end <= start) return "";
  if (end - start <= 2 * PREFIX_PART_BYTES) return buf.toString("utf8", start, end);
  return joinPrefix(
    buf.toString("utf8", start, start + PREFIX_PART_BYTES),
    buf.toString("utf8", end - PREFIX_PART_BYTES, end),
  );
}

export function joinPrefix(head: string, tail: string): string {
  return tail === "" ? head : `${head}\u0000${tail}`;
}
