/**
 * The catalogue loaded synchronously, for the in-memory API (`analyzeBuffer`) and tests: always
 * from the YAML files (the built copy is for the bundle's start-up, `catalog-load.ts`). Apart from
 * `catalog-load.ts` because it needs the file reader at once, which `loadCatalog` imports lazily.
 */
import type { Catalog } from "./catalog.js";
import { readCatalogFile } from "./catalog-file.js";
import { readCatalog } from "./catalog-load.js";
import type { CatalogEntry } from "./catalog-schema.js";

export function loadCatalogSync(
  extraFiles: readonly string[] = [],
  extraCodes: readonly CatalogEntry[] = [],
): Catalog {
  return readCatalog(readCatalogFile, extraFiles, extraCodes);
}
