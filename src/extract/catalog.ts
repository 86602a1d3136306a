import { readFileSync } from "node:fs";
import { packageFile } from "../core/package-files.js";
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

/** The error-code catalogue (docs/design.md §5): code → status, message template, category override. */
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
export const DEFAULT_CATALOG_PATH = packageFile("config/error-codes.yaml");

/** The shipped catalogue as validated at build time, with the YAML text it came from. */
export interface BuiltCatalog {
  readonly yaml: string;
  readonly codes: readonly CatalogEntry[];
}

/**
 * A BuiltCatalog as JSON text, written into the bundle by `scripts/build.mjs` (README "Build"):
 * `analyze` then needs neither the YAML nor the schema library (~100 ms of a ~250 ms start).
 * Unbundled it is not declared at all.
 */
declare const BUILT_CATALOG: string | undefined;

/**
 * The built entries while `yamlPath` still holds the text they were built from, else null (no
 * build, or the YAML was edited since: then it is read as YAML).
 */
export function builtEntries(
  yamlPath = DEFAULT_CATALOG_PATH,
  built: BuiltCatalog | undefined = typeof BUILT_CATALOG === "string"
    ? (JSON.parse(BUILT_CATALOG) as BuiltCatalog)
    : undefined,
): CatalogEntry[] | null {
  if (built === undefined) return null;
  try {
    return readFileSync(yamlPath, "utf8") === built.yaml ? [...built.codes] : null;
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
  let entries = extraFiles.length === 0 ? builtEntries() : null;
  if (entries === null) {
    const { readCatalogFile } = await import("./catalog-file.js");
    entries = readCatalogFile(DEFAULT_CATALOG_PATH);
    for (const f of extraFiles) entries.push(...readCatalogFile(f));
  }
  return new Catalog([...entries, ...extraCodes]);
}
