import { readFileSync, writeFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { UsageError } from "../core/errors.js";
import { CATALOG_CACHE_PATH, Catalog, type CatalogCache, DEFAULT_CATALOG_PATH, sha256 } from "./catalog.js";
import { type CatalogEntry, catalogFileSchema } from "./catalog-schema.js";

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

/** loadCatalog without the cache, synchronously (the in-memory `analyzeBuffer` API and tests). */
export function loadCatalogSync(
  extraFiles: readonly string[] = [],
  extraCodes: readonly CatalogEntry[] = [],
): Catalog {
  const entries = readCatalogFile(DEFAULT_CATALOG_PATH);
  for (const f of extraFiles) entries.push(...readCatalogFile(f));
  return new Catalog([...entries, ...extraCodes]);
}

/** Build step (`npm run build`): validates the shipped catalogue and writes the cache next to dist/. */
export function writeCatalogCache(yamlPath = DEFAULT_CATALOG_PATH, cachePath = CATALOG_CACHE_PATH): void {
  const cache: CatalogCache = {
    sha256: sha256(readFileSync(yamlPath, "utf8")),
    codes: readCatalogFile(yamlPath),
  };
  writeFileSync(cachePath, `${JSON.stringify(cache)}\n`);
}
