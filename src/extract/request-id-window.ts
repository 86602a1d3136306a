/** Per process, so that the ids of an input cannot be chosen to collide (bounded work per id). */
const SEED = (Math.random() * 0x1_0000_0000) | 0;
const EMPTY = -1;
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
/** No id leaves the slot (the window is not full yet). */
const NONE = -2;

/**
 * The last `size` request ids seen (duplicates included, placeholders not), in bounded memory: a
 * ring of the ids, and a table (open addressing, linear probing) of the ring slot where each
 * distinct id was last added beside the id's hash. Numbers in typed arrays, not a Map of strings:
 * a lookup reads a few neighbouring places and compares an id's characters only when the hashes
 * match. The ring holds the ids' characters, not the strings: a string kept for 10,000 responses
 * outlives the young generation, and a steady flow of such survivors made V8 grow it to its maximum
 * (peak RSS +30 MiB on plain NDJSON; test/bench/README.md, "Issue 12 shapes: cost on plain input").
 */
export class RequestIdWindow {
  /** SLOT_WORDS words per ring slot: the characters of its id, four to a word, zero-padded. */
  private readonly words: Int32Array;
  /** The length of each ring slot's id, or LONG. */
  private readonly lengths: Int32Array;
  /** The ids of the LONG slots, by slot (rare). */
  private readonly long = new Map<number, string>();
  /** The hash of each ring slot's id. */
  private readonly ringHash: Int32Array;
  /**
   * Two numbers per place: a ring slot (EMPTY: none) and its id's hash; at least twice as many
   * places as the window holds ids.
   */
  private readonly table: Int32Array;
  /** Places - 1. */
  private readonly mask: number;
  /** Ids added so far. */
  added = 0;

  constructor(readonly size: number) {
    this.words = new Int32Array(size * SLOT_WORDS);
    this.lengths = new Int32Array(size);
    this.ringHash = new Int32Array(size);
    let places = 16;
    while (places < 2 * size) places *= 2;
    this.table = new Int32Array(2 * places).fill(EMPTY);
    this.mask = places - 1;
  }

  has(id: string): boolean {
    return this.place(id, this.hash(id)) >= 0;
  }

  add(id: string): void {
    this.seen(id);
  }

  /**
   * Adds `id` and tells whether it was in the window before. One pass over its characters, four at
   * a time, hashes them, writes them into the ring slot they take and compares them with those of
   * the id leaving that slot (still in the window until this one is added); then one probe.
   */
  seen(id: string): boolean {
    const slot = this.added % this.size;
    let leaving = NONE;
    if (this.added >= this.size) {
      // The slot's id leaves the table unless it was added again since (its place names a later slot).
      this.leave(slot);
      leaving = this.lengths[slot] as number;
    }
    const n = id.length;
    let h: number;
    let same = leaving === n;
    if (n <= SLOT_CHARS) {
      const words = this.words;
      h = SEED ^ n;
      wide = false;
      let j = slot * SLOT_WORDS;
      for (let k = 0; k < n; k += 4, j++) {
        const w = word(id, k, n);
        if (words[j] !== w) same = false;
        words[j] = w;
        h = Math.imul(h ^ w, M);
        h ^= h >>> 15;
      }
      if (!wide) {
        h = finish(h);
        if (leaving === LONG) this.long.delete(slot);
        this.lengths[slot] = n;
      } else {
        h = wideHash(id);
        same = this.keepLong(slot, id, leaving);
      }
    } else {
      h = this.hash(id);
      same = this.keepLong(slot, id, leaving);
    }
    this.ringHash[slot] = h;
    return this.enter(slot, id, h) || same;
  }

  /** Keeps `id` as a string in ring slot `slot` (rare); true when it is the id leaving that slot. */
  private keepLong(slot: number, id: string, leaving: number): boolean {
    const same = leaving === LONG && this.long.get(slot) === id;
    this.lengths[slot] = LONG;
    this.long.set(slot, id);
    return same;
  }

  /** Points `id`'s table place at ring slot `slot`, adding the place if it has none; true if it had one. */
  private enter(slot: number, id: string, h: number): boolean {
    const table = this.table;
    let at = this.place(id, h);
    const had = at >= 0;
    if (!had) {
      const mask = this.mask;
      at = h & mask;
      while (table[2 * at] !== EMPTY) at = (at + 1) & mask;
      table[2 * at + 1] = h;
    }
    table[2 * at] = slot;
    this.added++;
    return had;
  }

  /** Whether ring slot `slot` holds `id`. */
  private holds(slot: number, id: string): boolean {
    const len = this.lengths[slot] as number;
    if (len === LONG) return this.long.get(slot) === id;
    if (len !== id.length) return false;
    const words = this.words;
    let j = slot * SLOT_WORDS;
    wide = false;
    for (let k = 0; k < len; k += 4, j++) if (words[j] !== word(id, k, len)) return false;
    // A slot of characters holds only ids without one above U+00FF (their words would overlap).
    return !wide;
  }

  /** The table place of `id` (hash `h`), or -1. */
  private place(id: string, h: number): number {
    const { table, mask } = this;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = table[2 * i] as number;
      if (s === EMPTY) return -1;
      if (table[2 * i + 1] === h && this.holds(s, id)) return i;
    }
  }

  /** Removes the place that names ring slot `slot`, if one does. */
  private leave(slot: number): void {
    const { table, mask } = this;
    for (let i = (this.ringHash[slot] as number) & mask; ; i = (i + 1) & mask) {
      const s = table[2 * i] as number;
      if (s === EMPTY) return;
      if (s === slot) {
        this.removeAt(i);
        return;
      }
    }
  }

  /** Empties place `i`, moving back the places after it that probing would no longer reach. */
  private removeAt(i: number): void {
    const { table, mask } = this;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const s = table[2 * j] as number;
      if (s === EMPTY) break;
      const home = (table[2 * j + 1] as number) & mask;
      // It stays when its home lies cyclically in (i, j].
      if (i <= j ? i < home && home <= j : i < home || home <= j) continue;
      table[2 * i] = s;
      table[2 * i + 1] = table[2 * j + 1] as number;
      i = j;
    }
    table[2 * i] = EMPTY;
  }

  /**
   * Four characters per step as `seen` takes them (murmur-like mixing, seeded); an id with a
   * character above U+00FF, two per step (wideHash: four would not fit a word).
   */
  private hash(id: string): number {
    const n = id.length;
    let h = SEED ^ n;
    wide = false;
    for (let k = 0; k < n; k += 4) {
      h = Math.imul(h ^ word(id, k, n), M);
      h ^= h >>> 15;
    }
    return wide ? wideHash(id) : finish(h);
  }
}

/** Set by `word` when a character above U+00FF was among those it packed (callers reset it). */
let wide = false;

/** Characters `k` to `k + 3` of `id` (zero past its length `n`), one byte each, the first lowest. */
function word(id: string, k: number, n: number): number {
  const a = id.charCodeAt(k);
  const b = k + 1 < n ? id.charCodeAt(k + 1) : 0;
  const c = k + 2 < n ? id.charCodeAt(k + 2) : 0;
  const d = k + 3 < n ? id.charCodeAt(k + 3) : 0;
  if ((a | b | c | d) > 0xff) wide = true;
  return a | (b << 8) | (c << 16) | (d << 24);
}

/** The hash of an id with a character above U+00FF: two characters per step. */
function wideHash(id: string): number {
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

function finish(h: number): number {
  const m = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return m ^ (m >>> 16);
}
