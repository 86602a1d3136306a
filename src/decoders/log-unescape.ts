/**
 * The json-file `log` strings, unescaped 16 bytes at a time (README "Container logs"). A JSON
 * body's `\"` comes every ~10 bytes, so the cost is per escape: a WebAssembly SIMD loop takes one
 * round per escape where the four-bytes-per-word JavaScript loop took about three (the docker
 * decoder alone: 0.67× its time, test/bench/README.md "Container log decoders"). The module is a
 * few dozen instructions, written out below as bytes with their names: no binary file, no build
 * step.
 *
 * The decoded strings of a chunk are written one after the other into the module's memory (`buf`
 * is a view of it), as the decoder hands them on; the records are read from a copy of the chunk
 * in the same memory (one copy per chunk). When a chunk's strings do not fit, a new instance with
 * a new memory takes over: lines held refer to the old one, which stays as it is.
 */
import { ONE_BYTE_ESCAPE, unicodeEscape, unicodeEscapeEnd, writeUtf8 } from "../core/escapes.js";

/** Where the module leaves the output position. */
const OUT_POS = 0;
/** The decoded byte of `\X` at TABLE + X; 0: not a one-byte escape (`\u`, or invalid). */
const TABLE = 16;
/** The areas (decoded strings, then input) start here, each with 16 bytes of room for whole-vector reads and writes. */
const AREAS = 512;
const PAGE = 64 * 1024;
const VECTOR = 16;

// The WebAssembly binary format's opcodes used below (its core specification, binary format).
const I32 = 0x7f;
const V128 = 0x7b;
const [BLOCK_EMPTY, LOOP, IF, END, BR, BR_IF, RETURN] = [0x40, 0x03, 0x04, 0x0b, 0x0c, 0x0d, 0x0f];
const [GET, SET, TEE] = [0x20, 0x21, 0x22];
const [CONST, EQZ, EQ, GE_U, LT_U, ADD, SUB, CTZ] = [0x41, 0x45, 0x46, 0x4f, 0x49, 0x6a, 0x6b, 0x68];
const [LOAD8_U, STORE, STORE8] = [0x2d, 0x36, 0x3a];
const SIMD = 0xfd;
const [V_LOAD, V_STORE, V_CONST, V_EQ, V_OR, V_BITMASK] = [0x00, 0x0b, 0x0c, 0x23, 0x50, 0x64];
// Locals: the parameters, then one v128 and two i32.
const [I, END_AT, O, V, M, B] = [0, 1, 2, 3, 4, 5];

const splat = (byte: number): number[] => [SIMD, V_CONST, ...new Array<number>(VECTOR).fill(byte)];

/**
 * `unescape(i, end, o) → r`: unescapes from `i` (after the opening quote) into `o` until the
 * closing quote. r ≥ 0: the quote is at r, the output ends at the i32 at OUT_POS. r = -1: no quote
 * before `end`, or an escape cut by `end`. r ≤ -2: an escape the table does not decode at -r - 2
 * (the output so far ends at OUT_POS), for the caller.
 */
const BODY = [
  ...[2, 1, V128, 2, I32], // locals: 1 × v128, 2 × i32
  ...[LOOP, BLOCK_EMPTY],
  // store(o, v = load(i)): written whole, the bytes from the mark on are written again.
  ...[GET, O, GET, I, SIMD, V_LOAD, 0, 0, TEE, V, SIMD, V_STORE, 0, 0],
  // m = the lanes of v holding `"` or `\`
  ...[GET, V, ...splat(0x22), SIMD, V_EQ, GET, V, ...splat(0x5c), SIMD, V_EQ, SIMD, V_OR, SIMD, V_BITMASK],
  ...[TEE, M, EQZ, IF, BLOCK_EMPTY],
  ...[GET, I, CONST, VECTOR, ADD, SET, I, GET, O, CONST, VECTOR, ADD, SET, O],
  ...[GET, I, GET, END_AT, LT_U, BR_IF, 1, CONST, 0x7f, RETURN, END],
  // i += ctz(m), o += ctz(m); a mark at or after `end` is not the record's.
  ...[GET, I, GET, M, CTZ, ADD, TEE, I, GET, END_AT, GE_U, IF, BLOCK_EMPTY, CONST, 0x7f, RETURN, END],
  ...[GET, O, GET, M, CTZ, ADD, SET, O],
  // `"`: the end of the string.
  ...[GET, I, LOAD8_U, 0, 0, CONST, 0x22, EQ, IF, BLOCK_EMPTY],
  ...[CONST, OUT_POS, GET, O, STORE, 2, 0, GET, I, RETURN, END],
  // `\`: its escaped byte must be before `end`.
  ...[GET, I, CONST, 1, ADD, GET, END_AT, GE_U, IF, BLOCK_EMPTY, CONST, 0x7f, RETURN, END],
  ...[GET, I, LOAD8_U, 0, 1, LOAD8_U, 0, TABLE, TEE, B, EQZ, IF, BLOCK_EMPTY],
  ...[CONST, OUT_POS, GET, O, STORE, 2, 0, CONST, 0x7e, GET, I, SUB, RETURN, END],
  ...[GET, O, GET, B, STORE8, 0, 0],
  ...[GET, I, CONST, 2, ADD, SET, I, GET, O, CONST, 1, ADD, SET, O, BR, 0],
  END,
  ...[CONST, 0x7f, END],
];

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    const b = n & 0x7f;
    n >>>= 7;
    out.push(n === 0 ? b : b | 0x80);
  } while (n !== 0);
  return out;
}

const MODULE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, [1, 0x60, 3, I32, I32, I32, 1, I32]), // type: (i32, i32, i32) → i32
  // imports its memory as "e" "m" (of at least 1 page): made to size by `renew`, never grown, as
  // growing detaches the old buffer, and one detached buffer makes every typed-array read of the
  // process check for it (the JSON scanner's took 17% more instructions).
  ...section(2, [1, 1, 0x65, 1, 0x6d, 0x02, 0, 1]),
  ...section(3, [1, 0]), // one function of that type
  ...section(7, [1, 1, 0x75, 0x00, 0]), // exports "u" (the function)
  ...section(10, [1, ...uleb(BODY.length), ...BODY]),
]);

/** Room for the decoded strings of a few 64 KiB chunks, and for the part of a chunk copied in at once. */
const STRINGS_BYTES = 256 * 1024;
const INPUT_BYTES = 128 * 1024;
const EMPTY = Buffer.alloc(0);

let compiled: WebAssembly.Module | undefined;

/** One instance of the module: its memory holds the decoded strings (`strings`) and a copy of input bytes. */
interface Instance {
  readonly run: (i: number, end: number, o: number) => number;
  readonly mem: Buffer;
  readonly pos: Int32Array;
  readonly strings: Buffer;
  /** Where the input area starts in `mem`, and how many bytes of input it takes. */
  readonly input: number;
  readonly inputBytes: number;
}

export class LogStrings {
  /** The strings decoded since `release`, from 0 to `used` (the caller moves `used` on). */
  buf: Buffer = EMPTY;
  used = 0;
  /** Where the string of the last `unescape` ends in `buf`. */
  written = 0;
  private instance: Instance | null = null;
  /** The input bytes copied into the module: `from[windowStart, windowEnd)`. */
  private from: Buffer | null = null;
  private windowStart = 0;
  private windowEnd = 0;
  /** Without WebAssembly (`node --jitless`, or no memory for it): `buf` is a plain buffer, `unescape` declines. */
  private plain = false;

  /** Room for `n` more bytes in `buf`, and for an input record of `n` bytes. */
  reserve(n: number): void {
    const inst = this.instance;
    if (this.used + n > this.buf.length || (inst === null ? !this.plain : n > inst.inputBytes)) this.renew(n);
  }

  /**
   * Unescapes the JSON string content `buf[start, …)` up to its closing quote, which must be
   * before `end`, into `this.buf` at `used` (`reserve(end - start)` first); returns the quote's
   * index, or -1 when the string is not closed or holds an invalid escape (or without WebAssembly:
   * the caller reads the record another way). The output ends at `written`.
   */
  unescape(buf: Buffer, start: number, end: number): number {
    const inst = this.instance;
    if (inst === null) return -1;
    if (buf !== this.from || start < this.windowStart || end > this.windowEnd) this.copyIn(inst, buf, start);
    const delta = inst.input - this.windowStart;
    const stop = end + delta;
    const strings = inst.strings.byteOffset;
    let r = inst.run(start + delta, stop, strings + this.used);
    while (r < -1) {
      // `\u`: decoded here (rare in a log), then the loop goes on after it.
      const at = -r - 2;
      if (inst.mem[at + 1] !== 0x75) return -1;
      const cp = unicodeEscape(inst.mem, at + 2, stop);
      if (cp < 0) return -1;
      r = inst.run(unicodeEscapeEnd.at, stop, writeUtf8(cp, inst.mem, inst.pos[0] as number));
    }
    if (r < 0) return -1;
    this.written = (inst.pos[0] as number) - strings;
    return r - delta;
  }

  /** Nothing refers to the strings decoded so far, and the input bytes may change: both start again. */
  release(): void {
    this.used = 0;
    this.from = null;
  }

  /** The input from `start` on, as much as the module takes (one copy for the records of a chunk). */
  private copyIn(inst: Instance, buf: Buffer, start: number): void {
    const end = Math.min(buf.length, start + inst.inputBytes);
    buf.copy(inst.mem, inst.input, start, end);
    this.from = buf;
    this.windowStart = start;
    this.windowEnd = end;
  }

  /** Room for `n` bytes of strings and of input: a new instance (lines held keep the old one's memory). */
  private renew(n: number): void {
    const stringsBytes = Math.max(STRINGS_BYTES, n);
    this.instance = this.plain ? null : this.instantiate(stringsBytes, Math.max(INPUT_BYTES, n));
    this.buf = this.instance?.strings ?? Buffer.allocUnsafe(stringsBytes);
    this.used = 0;
    this.from = null;
  }

  private instantiate(stringsBytes: number, inputBytes: number): Instance | null {
    // Whole-vector reads and writes go up to 16 bytes past either area.
    const input = AREAS + stringsBytes + VECTOR;
    const pages = Math.ceil((input + inputBytes + VECTOR) / PAGE);
    let memory: WebAssembly.Memory;
    let exports: Record<string, unknown>;
    try {
      compiled ??= new WebAssembly.Module(MODULE);
      memory = new WebAssembly.Memory({ initial: pages });
      exports = new WebAssembly.Instance(compiled, { e: { m: memory } }).exports;
    } catch {
      this.plain = true;
      return null;
    }
    const mem = Buffer.from(memory.buffer);
    mem.set(ONE_BYTE_ESCAPE, TABLE);
    return {
      run: exports.u as (i: number, end: number, o: number) => number,
      mem,
      pos: new Int32Array(memory.buffer, OUT_POS, 1),
      strings: mem.subarray(AREAS, AREAS + stringsBytes),
      input,
      inputBytes,
    };
  }
}
