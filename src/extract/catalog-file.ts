/**
 * Reading one error-code catalogue file (YAML, validated by `catalog-schema.ts`), and the build
 * step that validates the shipped one for the bundle. Which files make the catalogue is
 * `catalog-load.ts`; this module loads the YAML parser and the schema library, so it is imported
 * only when a file has to be read.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { UsageError } from "../core/errors.js";
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

/** The shipped catalogue as validated at build time, with the YAML text it came from. */
export interface BuiltCatalog {
  readonly yaml: string;
  readonly codes: readonly CatalogEntry[];
}

/** Build step (`scripts/build.mjs`): the shipped catalogue at `yamlPath`, validated, for the bundle. */
export function buildCatalog(yamlPath: string): BuiltCatalog {
  return { yaml: readFileSync(yamlPath, "utf8"), codes: readCatalogFile(yamlPath) };
}
