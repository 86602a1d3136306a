/** Per process, so that the ids of an input cannot be chosen to collide (bounded work per id). */
const SEED = (Math.random() * 0x1_0000_0000) | 0;
/**
 * Characters of an id kept in place (one byte each, four to a word) in its ring slot: UUID request
 * ids (36) and OSS ids (24) fit. A longer id, or one with a character above U+00FF, is kept as a
 * string.
 */
const SLOT_CHARS = 48;
const SLOT_WORDS = SLOT_CHARS / 4;
const M = 0x5bd1e995;
/** `lengths` of a slot whose id is kept as a string in `long`. */
const LONG = -1;
/** The index of a table entry never used (a real one is the index at which its id was added, ≥ 0). */
const UNUSED = -1;
/** Int32 numbers per table place: a hash and an index for each of the two generations. */
const PLACE = 4;
/** Ids in the first generation (at most: `size`). */
const FIRST_GENERATION = 64;
/**
 * Indexes (int32 in the table) are kept below this: at a change of generation past it, they are
 * all moved down by a multiple of `size` (a ring slot is an index modulo `size`).
 */
const INDEX_LIMIT = 2 ** 30;

/**
 * The last `size` request ids seen (duplicates included, placeholders not), in bounded memory: a
 * ring of the ids' characters, and a hash table of where each id was last added, in two
 * generations of (at most) `size` additions each. An id's entry holds its hash and the index at
 * which it was added (its ring slot is that index modulo `size`); the id is in the window while
 * that index is one of the last `size`. Ids added in the current generation are entered in its
 * half of the table; when a generation is full, the older half takes the new ones. An entry of a
 * half added before that half's generation began counts as a free place (it has left the window),
 * so no entry is ever removed or cleared. Both halves of a place share one cache line: a lookup
 * reads one line (and a neighbour's when it probes on) and compares characters only when a hash
 * matches.
 * Numbers in typed arrays, not a Map of strings: a string kept for 10,000 responses outlives the
 * young generation, and a steady flow of such survivors made V8 grow it to its maximum (peak RSS
 * +30 MiB on plain NDJSON; test/bench/README.md, "Issue 12 shapes: cost on plain input").
 */
export class RequestIdWindow {
  /** SLOT_WORDS words per ring slot: the characters of its id, four to a word, zero-padded. */
  private readonly words: Int32Array;
  /** The length of each ring slot's id, or LONG. */
  private readonly lengths: Int32Array;
  /** The ids of the LONG slots, by slot (rare). */
  private readonly long = new Map<number, string>();
  /** PLACE numbers per place: hash and index of the entry of generation 0, then of generation 1. */
  private readonly table: Int32Array;
  /** Places - 1. */
  private readonly mask: number;
  /** The current generation's offset in a place: 0 or 2 (the first is 2). */
  private current = 2;
  /** The index of the next id (`added` less the moves of `rebase`). */
  private index = 0;
  /** The indexes at which the current and the previous generation began. */
  private start = 0;
  private previousStart = 0;
  /**
   * The index at which the next generation begins. The first is short (a window holds every id of
   * a generation that began `size` ids ago or later): its end runs the change of generation and
   * the probes of an older one while V8 still collects type feedback, before it optimises `seen`
   * (code first reached after that costs a deoptimisation and a second compilation).
   */
  private nextGeneration: number;
  /** The words of the id being looked up (`pack`). */
  private readonly packed = new Int32Array(SLOT_WORDS);
  /** Whether the id `pack` saw last is kept as words (not a LONG one). */
  private narrow = false;
  /** Ids added so far. */
  added = 0;

  /** `indexLimit`: INDEX_LIMIT (smaller in tests). */
  constructor(
    readonly size: number,
    private readonly indexLimit = INDEX_LIMIT,
  ) {
    this.words = new Int32Array(size * SLOT_WORDS);
    this.lengths = new Int32Array(size);
    this.nextGeneration = Math.min(size, FIRST_GENERATION);
    // A generation enters at most `size` ids: at least 1.25 places per id keeps probes short.
    let places = 16;
    while (places < size + (size >> 2)) places *= 2;
    this.table = new Int32Array(PLACE * places).fill(UNUSED);
    this.mask = places - 1;
  }

  has(id: string): boolean {
    const h = this.pack(id);
    const oldest = this.index - this.size;
    return (
      this.find(id, h, this.current, this.start, oldest) >= 0 ||
      this.find(id, h, this.current ^ 2, this.previousStart, oldest) >= 0
    );
  }

  add(id: string): void {
    this.seen(id);
  }

  /** Adds `id` and tells whether it was in the window before: hash, one probe per generation, store. */
  seen(id: string): boolean {
    let index = this.index;
    if (index === this.nextGeneration) index = this.newGeneration(index);
    const h = this.pack(id);
    const { table, mask, current, start } = this;
    const oldest = index - this.size;
    // The current generation: every entry in it is in the window.
    let at = (h & mask) * PLACE + current;
    let had = false;
    for (;;) {
      const s = table[at + 1] as number;
      if (s < start) break;
      if (table[at] === h && this.holds(s, id)) {
        had = true;
        break;
      }
      at = (at + PLACE) & (table.length - 1);
    }
    table[at] = h;
    table[at + 1] = index;
    if (!had) had = this.find(id, h, current ^ 2, this.previousStart, oldest) >= 0;
    this.store(index % this.size, id);
    this.index = index + 1;
    this.added++;
    return had;
  }

  /**
   * The current generation becomes the previous one and its older half takes the new ids; returns
   * `index` (moved down by `rebase` when it reached the limit).
   */
  private newGeneration(index: number): number {
    if (index >= this.indexLimit) index = this.rebase(index);
    this.current ^= 2;
    this.previousStart = this.start;
    this.start = index;
    this.nextGeneration = index + this.size;
    return index;
  }

  /**
   * Moves every index down by the multiple of `size` at or below the current generation's start
   * (the entries before it leave the window with this change of generation: they become unused).
   */
  private rebase(index: number): number {
    const by = this.start - (this.start % this.size);
    const table = this.table;
    for (let at = 1; at < table.length; at += 2) {
      const s = table[at] as number;
      table[at] = s >= this.start ? s - by : UNUSED;
    }
    this.start -= by;
    return index - by;
  }

  /**
   * The table position of `id` (hash `h`) in the half `gen` of the generation that began at index
   * `start`, when added at `oldest` or later; -1 when there is none.
   */
  private find(id: string, h: number, gen: number, start: number, oldest: number): number {
    const table = this.table;
    for (let at = (h & this.mask) * PLACE + gen; ; at = (at + PLACE) & (table.length - 1)) {
      const s = table[at + 1] as number;
      if (s < start) return -1;
      if (table[at] === h && s >= oldest && this.holds(s, id)) return at;
    }
  }

  /**
   * The hash of `id`; an id of at most SLOT_CHARS characters up to U+00FF is packed into `packed`
   * (`narrow`), four characters to a word, which the hash mixes (murmur-like, seeded).
   */
  private pack(id: string): number {
    const n = id.length;
    if (n > SLOT_CHARS) return this.wide(id);
    const packed = this.packed;
    let h = SEED ^ n;
    let chars = 0;
    for (let k = 0, j = 0; k < n; k += 4, j++) {
      const a = id.charCodeAt(k);
      const b = k + 1 < n ? id.charCodeAt(k + 1) : 0;
      const c = k + 2 < n ? id.charCodeAt(k + 2) : 0;
      const d = k + 3 < n ? id.charCodeAt(k + 3) : 0;
      chars |= a | b | c | d;
      const w = a | (b << 8) | (c << 16) | (d << 24);
      packed[j] = w;
      h = Math.imul(h ^ w, M);
      h ^= h >>> 15;
    }
    if (chars > 0xff) return this.wide(id);
    this.narrow = true;
    return finish(h);
  }

  /** The hash of an id kept as a string (LONG): two characters a step (four would not fit a word). */
  private wide(id: string): number {
    this.narrow = false;
    const n = id.length;
    let h = SEED ^ n ^ 0x55555555;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      h = Math.imul(h ^ (id.charCodeAt(i) | (id.charCodeAt(i + 1) << 16)), M);
      h ^= h >>> 15;
    }
    if (i < n) h = Math.imul(h ^ id.charCodeAt(i), M);
    return finish(h);
  }

  /** Whether the id added at `index` (in the window) is `id`, the id `pack` saw last. */
  private holds(index: number, id: string): boolean {
    const slot = index % this.size;
    const len = this.lengths[slot] as number;
    if (len === LONG) return this.long.get(slot) === id;
    if (!this.narrow || len !== id.length) return false;
    const { words, packed } = this;
    const at = slot * SLOT_WORDS;
    for (let j = 0; 4 * j < len; j++) if (words[at + j] !== packed[j]) return false;
    return true;
  }

  /** Keeps `id`, the id `pack` saw last, in ring slot `slot`. */
  private store(slot: number, id: string): void {
    if (this.lengths[slot] === LONG) this.long.delete(slot);
    if (!this.narrow) {
      this.lengths[slot] = LONG;
      this.long.set(slot, id);
      return;
    }
    const { words, packed } = this;
    const n = id.length;
    this.lengths[slot] = n;
    const at = slot * SLOT_WORDS;
    for (let j = 0; 4 * j < n; j++) words[at + j] = packed[j] as number;
  }
}

function finish(h: number): number {
  const m = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return m ^ (m >>> 16);
}
