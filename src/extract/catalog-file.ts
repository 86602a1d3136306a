import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { UsageError } from "../core/errors.js";
import { type BuiltCatalog, Catalog, DEFAULT_CATALOG_PATH } from "./catalog.js";
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

/** Build step (`scripts/build.mjs`): the shipped catalogue, validated, for the bundle. */
export function buildCatalog(yamlPath = DEFAULT_CATALOG_PATH): BuiltCatalog {
  return { yaml: readFileSync(yamlPath, "utf8"), codes: readCatalogFile(yamlPath) };
}
