/** The value that stands for every label value past the cap (docs/design.md §6). */
export const OTHER = "__other__";

/**
 * A cap on the distinct values of one label, shared by every metric and source that uses the label:
 * the first `limit` distinct values are kept, later ones become `__other__`. Memory stays bounded
 * because rejected values are not remembered; the price is that a rejected value is looked up again
 * each time it appears, which only happens off the hot path (a miss in the counting maps).
 */
export class LabelCap {
  private readonly admitted = new Set<string>();

  constructor(
    readonly label: string,
    /** Changed by a reload: values already admitted stay, the cap applies to new ones. */
    public limit: number,
    /** Counts replaced occurrences; the `label_overflow_total{label}` series when given one. */
    private readonly tally: { n: number } = { n: 0 },
  ) {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new RangeError(`label cap for "${label}" must be a non-negative integer, got ${limit}`);
    }
  }

  /** The value to use as the label: `value` itself, or `__other__` (counted) once the cap is reached. */
  admit(value: string): string {
    const kept = this.resolve(value);
    if (kept === OTHER && value !== OTHER) this.tally.n++;
    return kept;
  }

  /** Like `admit`, without counting a replacement (for a second metric fed by the same record). */
  resolve(value: string): string {
    if (this.admitted.has(value)) return value;
    if (this.admitted.size < this.limit) {
      this.admitted.add(value);
      return value;
    }
    return OTHER;
  }

  /** Label values replaced by `__other__` so far (one per replaced occurrence). */
  get overflowed(): number {
    return this.tally.n;
  }

  get distinct(): number {
    return this.admitted.size;
  }
}
