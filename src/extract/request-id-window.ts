/** Per process, so that the ids of an input cannot be chosen to collide (bounded work per id). */
const SEED = (Math.random() * 0x1_0000_0000) | 0;
const EMPTY = -1;
/**
 * Characters of an id kept in place (one byte each) in its ring slot: UUID request ids (36) and
 * OSS ids (24) fit. A longer id, or one with a character above U+00FF, is kept as a string.
 */
const SLOT_CHARS = 48;
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
  /** SLOT_CHARS bytes per ring slot: the characters of its id. */
  private readonly chars: Uint8Array;
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
    this.chars = new Uint8Array(size * SLOT_CHARS);
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
   * Adds `id` and tells whether it was in the window before. One pass over its characters hashes
   * them, writes them into the ring slot they take and compares them with those of the id leaving
   * that slot (still in the window until this one is added); then one probe.
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
    let h = SEED ^ n;
    let same = leaving === n;
    if (n <= SLOT_CHARS) {
      const chars = this.chars;
      const base = slot * SLOT_CHARS;
      let high = 0;
      let k = 0;
      for (; k + 1 < n; k += 2) {
        const a = id.charCodeAt(k);
        const b = id.charCodeAt(k + 1);
        high |= a | b;
        if (chars[base + k] !== a || chars[base + k + 1] !== b) same = false;
        chars[base + k] = a;
        chars[base + k + 1] = b;
        h = Math.imul(h ^ (a | (b << 16)), 0x5bd1e995);
        h ^= h >>> 15;
      }
      if (k < n) {
        const a = id.charCodeAt(k);
        high |= a;
        if (chars[base + k] !== a) same = false;
        chars[base + k] = a;
        h = Math.imul(h ^ a, 0x5bd1e995);
      }
      h = finish(h);
      if (high <= 0xff) {
        if (leaving === LONG) this.long.delete(slot);
        this.lengths[slot] = n;
      } else same = this.keepLong(slot, id, leaving);
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
    const chars = this.chars;
    const base = slot * SLOT_CHARS;
    for (let k = 0; k < len; k++) if (chars[base + k] !== id.charCodeAt(k)) return false;
    return true;
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

  /** Removes the place that names ring slot `slot`, if one does; true when it did. */
  private leave(slot: number): boolean {
    const { table, mask } = this;
    for (let i = (this.ringHash[slot] as number) & mask; ; i = (i + 1) & mask) {
      const s = table[2 * i] as number;
      if (s === EMPTY) return false;
      if (s === slot) {
        this.removeAt(i);
        return true;
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

  /** Two characters per step (murmur-like mixing, seeded); `seen` mixes the same way as it stores. */
  private hash(id: string): number {
    const n = id.length;
    let h = SEED ^ n;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      h = Math.imul(h ^ (id.charCodeAt(i) | (id.charCodeAt(i + 1) << 16)), 0x5bd1e995);
      h ^= h >>> 15;
    }
    if (i < n) h = Math.imul(h ^ id.charCodeAt(i), 0x5bd1e995);
    return finish(h);
  }
}

function finish(h: number): number {
  const m = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return m ^ (m >>> 16);
}
