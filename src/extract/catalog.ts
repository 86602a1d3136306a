import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { UsageError } from "../core/errors.js";
import type { Category } from "../core/records.js";
import { type CatalogEntry, catalogFileSchema } from "./catalog-schema.js";

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

/** The catalogue shipped with the exporter. */
export const DEFAULT_CATALOG_PATH = fileURLToPath(new URL("../../config/error-codes.yaml", import.meta.url));

/** Reads and validates a catalogue file; every problem is reported with its path in the file. */
export function readCatalogFile(path: string): CatalogEntry[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read error-code catalogue ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new UsageError(`error-code catalogue ${path} is not valid YAML: ${(e as Error).message}`);
  }
  const result = catalogFileSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${path}: ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new UsageError(`error-code catalogue ${path} is not valid`, problems);
  }
  return result.data.codes;
}

/** The default catalogue, then extra files, then extra entries (later ones win). */
export function loadCatalog(
  extraFiles: readonly string[] = [],
  extraCodes: readonly CatalogEntry[] = [],
): Catalog {
  const entries = readCatalogFile(DEFAULT_CATALOG_PATH);
  for (const f of extraFiles) entries.push(...readCatalogFile(f));
  entries.push(...extraCodes);
  return new Catalog(entries);
}
