import type { Category } from "../core/records.js";
import type { CatalogEntry } from "./catalog-schema.js";

/** A catalogue entry ready for lookups: the message template compiled once. */
export interface CodeInfo {
  readonly code: string;
  readonly status: number | null;
  readonly category: Exclude<Category, "success"> | null;
  readonly description: string | null;
  /** Matches a message against the template; group 1 is the first `<parameter>`. */
  readonly template: RegExp | null;
}

/**
 * The error-code catalogue (docs/design.md §5): code → status, message template, category override.
 * Lookups only; which files it is made of, in which order, is `catalog-load.ts`.
 */
export class Catalog {
  private readonly byCode = new Map<string, CodeInfo>();

  constructor(entries: readonly CatalogEntry[]) {
    // Later entries override earlier ones: the user's files extend and correct the defaults.
    for (const e of entries) this.byCode.set(e.code, compile(e));
  }

  get(code: string): CodeInfo | undefined {
    return this.byCode.get(code);
  }

  get size(): number {
    return this.byCode.size;
  }
}

function compile(e: CatalogEntry): CodeInfo {
  let template: RegExp | null = null;
  if (e.message !== undefined && /<[^<>]+>/.test(e.message)) {
    const parts = e.message.trim().split(/<[^<>]+>/);
    template = new RegExp(`^${parts.map(escapeRegExp).join("(.+?)")}$`, "s");
  }
  return {
    code: e.code,
    status: e.status ?? null,
    category: e.category ?? null,
    description: e.description ?? null,
    template,
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
