/**
 * A line kept while a multi-line body is open, so that it can be examined again if the body fails.
 * Its bytes are in the arena (`start`, `end`).
 */
export interface HeldLine {
  readonly start: number;
  readonly end: number;
  readonly lineNo: number;
  /** Bytes of input before this line (checkpoints). */
  readonly offset: number;
  readonly flags: number;
}

/** A new body's arena: its first line, mostly (the lines after it are held only when it goes on past a read); grown by doubling. */
const MIN_ARENA_BYTES = 256;
/**
 * Arenas up to SLAB_BYTES / 8 are cut from a slab of this size, as Node's buffer pool cuts small
 * Buffers from 8 KiB: a pretty-printed input opens a body every few lines.
 */
const SLAB_BYTES = 256 * 1024;
let slab = Buffer.alloc(0);
let slabUsed = 0;

/** A Buffer of `bytes` bytes, not zeroed: from the slab when small. */
function arenaOf(bytes: number): Buffer {
  if (bytes > SLAB_BYTES / 8) return Buffer.allocUnsafe(bytes);
  if (slabUsed + bytes > slab.length) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  const arena = slab.subarray(slabUsed, slabUsed + bytes);
  slabUsed += (bytes + 7) & ~7;
  return arena;
}

/**
 * The lines of the open body, their bytes one after the other in one arena (a new arena for every
 * open body): copying every line of a pretty-printed body into a Buffer of its own cost a fifth of
 * the time on such input.
 */
export class HeldLines {
  arena: Buffer = Buffer.alloc(0);
  used = 0;
  lines: HeldLine[] = [];

  /** Starts a new arena for a body whose first line is `firstLineBytes` long. */
  reset(firstLineBytes: number): void {
    this.arena = arenaOf(Math.max(MIN_ARENA_BYTES, 2 * firstLineBytes));
    this.used = 0;
    this.lines = [];
  }

  /** Copies a line into the arena (growing it) and keeps it. */
  hold(buf: Buffer, start: number, end: number, lineNo: number, offset: number, flags: number): HeldLine {
    const len = end - start;
    if (this.used + len > this.arena.length) {
      const grown = arenaOf(Math.max(2 * this.arena.length, this.used + len));
      this.arena.copy(grown, 0, 0, this.used);
      this.arena = grown;
    }
    const arena = this.arena;
    // Pretty-printed lines are short: a byte loop beats Buffer#copy (11% of that profile) there.
    if (len > 64) buf.copy(arena, this.used, start, end);
    else for (let i = 0, at = this.used; i < len; i++) arena[at + i] = buf[start + i] as number;
    const line: HeldLine = { start: this.used, end: this.used + len, lineNo, offset, flags };
    this.used += len;
    this.lines.push(line);
    return line;
  }

  /** Keeps only the first `count` lines (the body ended or failed on the last of them). */
  truncate(count: number): void {
    this.lines.length = count;
    this.used = count > 0 ? (this.lines[count - 1] as HeldLine).end : 0;
  }
}
