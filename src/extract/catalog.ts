import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
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

/** The error-code catalogue (DESIGN §5): code → status, message template, category override. */
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

/** The catalogue shipped with the exporter (the source of truth; users may edit it). */
export const DEFAULT_CATALOG_PATH = fileURLToPath(new URL("../../config/error-codes.yaml", import.meta.url));

/**
 * The shipped catalogue as validated at build time (`npm run build` writes it next to dist/), keyed
 * by the SHA-256 of the YAML it came from. Reading it spares `analyze` the YAML and schema libraries
 * (~100 ms of a ~250 ms start); an edited YAML no longer matches the hash and is read as YAML.
 */
export const CATALOG_CACHE_PATH = fileURLToPath(new URL("../error-codes.json", import.meta.url));

export interface CatalogCache {
  readonly sha256: string;
  readonly codes: CatalogEntry[];
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The cached entries of `yamlPath`, or null when there is no cache or the YAML has changed since. */
export function cachedEntries(
  yamlPath = DEFAULT_CATALOG_PATH,
  cachePath = CATALOG_CACHE_PATH,
): CatalogEntry[] | null {
  try {
    const cache = JSON.parse(readFileSync(cachePath, "utf8")) as CatalogCache;
    return cache.sha256 === sha256(readFileSync(yamlPath, "utf8")) ? cache.codes : null;
  } catch {
    return null;
  }
}

/**
 * The default catalogue, then extra files, then extra entries (later ones win). Every file is
 * validated; problems are thrown as one UsageError listing each with its path.
 */
export async function loadCatalog(
  extraFiles: readonly string[] = [],
  extraCodes: readonly CatalogEntry[] = [],
): Promise<Catalog> {
  let entries = extraFiles.length === 0 ? cachedEntries() : null;
  if (entries === null) {
    const { readCatalogFile } = await import("./catalog-file.js");
    entries = readCatalogFile(DEFAULT_CATALOG_PATH);
    for (const f of extraFiles) entries.push(...readCatalogFile(f));
  }
  return new Catalog([...entries, ...extraCodes]);
}
