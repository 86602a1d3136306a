import { shippedCatalog } from "../../src/analyze/in-memory.js";
import type { Frame } from "../../src/core/records.js";
import { Extractor } from "../../src/extract/extractor.js";

/** The shipped catalogue's extractor, keeping every frame it is given in `frames` (the frames' prefixes are not on the events). */
export function recordingExtractor(): { extractor: Extractor; frames: Frame[] } {
  const real = new Extractor(shippedCatalog());
  const frames: Frame[] = [];
  const extractor = {
    extract(f: Frame, source: string, readTime: number, lineTimeMs?: number) {
      frames.push(f);
      return real.extract(f, source, readTime, lineTimeMs);
    },
  } as unknown as Extractor;
  return { extractor, frames };
}
