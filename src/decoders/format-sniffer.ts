/**
 * `auto`: the format of an input, from its first non-blank line (README "Container logs"). The
 * pipeline holds the input's first bytes here until that line is complete, then builds its chain
 * once (decide once: no per-line check of the format afterwards, and raw input runs exactly as
 * with `raw`).
 */
import { CriParser, looksLikeCri } from "./cri.js";
import { DockerParser, looksLikeDocker } from "./docker.js";
import { emptyRecord, isBlank, MAX_RUNTIME_RECORD_BYTES } from "./runtime-record.js";

export type DetectedFormat = "raw" | "cri" | "docker";

/** The format a file's first non-blank line `buf[start, end)` shows. */
export function detectFormat(buf: Buffer, start: number, end: number): DetectedFormat {
  if (looksLikeCri(buf, start, end)) return "cri";
  if (looksLikeDocker(buf, start, end)) return "docker";
  return "raw";
}

/**
 * Whether the line `buf[start, end)` ends an application's line: false only for a partial CRI or
 * json-file record, whose line goes on in a later record (a split point of `analyze` on two
 * threads must not fall inside such a sequence).
 */
export function endsLine(buf: Buffer, start: number, end: number): boolean {
  const rec = emptyRecord();
  if (new CriParser().parse(buf, start, end, rec)) return !rec.partial;
  if (buf[start] === 0x7b && new DockerParser().parse(buf, start, end, rec)) return !rec.partial;
  return true;
}

/**
 * How far the input is: `more` (more bytes may come), `paused` (an unfinished last line counts as
 * a line, as LineSplitter's flush says) or `ended` (and nothing but blank lines means raw).
 */
export type InputState = "more" | "paused" | "ended";

/**
 * The format of the input that starts with `head`, or null while it cannot be told yet. A first
 * line longer than any runtime record (or that many bytes of blank lines) is raw.
 */
export function sniffFormat(head: Buffer, atFileStart: boolean, state: InputState): DetectedFormat | null {
  let pos = atFileStart && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  for (;;) {
    const nl = head.indexOf(0x0a, pos);
    if (nl < 0 && state === "more") return head.length >= MAX_RUNTIME_RECORD_BYTES ? "raw" : null;
    const end = nl < 0 ? head.length : nl;
    if (!isBlank(head, pos, end)) {
      return detectFormat(head, pos, end > pos && head[end - 1] === 0x0d ? end - 1 : end);
    }
    if (nl < 0) return state === "ended" || head.length >= MAX_RUNTIME_RECORD_BYTES ? "raw" : null;
    pos = nl + 1;
  }
}

/** The first bytes of an input while its format is not known yet (copied: chunks are reused). */
export class FormatSniffer {
  private held: Buffer[] = [];
  private heldBytes = 0;

  constructor(private readonly atFileStart: boolean) {}

  get pendingBytes(): number {
    return this.heldBytes;
  }

  /**
   * Adds a chunk; returns the format once known, with every chunk so far (as they came, so that
   * the splitter sees the same pieces as without the wait), else null (the chunk is kept).
   */
  add(data: Buffer, state: InputState): { format: DetectedFormat; chunks: Buffer[] } | null {
    const head = this.heldBytes === 0 ? data : Buffer.concat([...this.held, data]);
    const format = sniffFormat(head, this.atFileStart, state);
    if (format !== null) {
      const chunks = [...this.held, data];
      this.held = [];
      this.heldBytes = 0;
      return { format, chunks };
    }
    if (data.length > 0) this.held.push(Buffer.from(data));
    this.heldBytes += data.length;
    return null;
  }
}
