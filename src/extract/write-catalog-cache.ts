// `npm run build` runs this after tsc: the shipped catalogue, validated, cached as JSON (see catalog.ts).
import { writeCatalogCache } from "./catalog-file.js";

writeCatalogCache();
