/**
 * A seeded PRNG and the small draws the corpus generator needs. mulberry32: 32-bit state, fast, and good
 * enough for test data; the point is that the same seed gives byte-identical corpora on every machine.
 */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draw helpers bound to one generator, so every corpus file has its own independent stream. */
export function draws(seed) {
  const next = mulberry32(seed);
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(next() * list.length)];
  const chance = (p) => next() < p;
  const HEX = "0123456789ABCDEF";
  const hex = (n) => {
    let s = "";
    for (let i = 0; i < n; i++) s += HEX[Math.floor(next() * 16)];
    return s;
  };
  const ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
  const alnum = (n) => {
    let s = "";
    for (let i = 0; i < n; i++) s += ALNUM[Math.floor(next() * 36)];
    return s;
  };
  /** An Alibaba Cloud style request id: 8-4-4-4-12 upper-case hex. */
  const requestId = () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
  return { next, int, pick, chance, hex, alnum, requestId };
}
