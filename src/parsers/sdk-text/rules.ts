/**
 * A source's SDK-string settings (config `sources[].sdkStrings`) → the compiled rules of its
 * recognizer, and the checks the config runs on user patterns at start (README "SDK error strings").
 */
import { PRESETS } from "./presets.js";
import type { TextRules } from "./recognizer.js";

/** The named groups a user pattern may have; `requestId` is required. */
const PATTERN_GROUPS = ["requestId", "code", "status", "message", "hostId"] as const;

export interface TextSettings {
  /** true: every preset; false: none; a list: those named. */
  readonly presets: boolean | readonly string[];
  /** Regex sources with named groups (PATTERN_GROUPS). */
  readonly patterns: readonly string[];
}

/** Every preset, no user pattern: the default of a source (the config schema's defaults too). */
export const DEFAULT_TEXT_SETTINGS = { presets: true, patterns: [] } as const satisfies TextSettings;

export function textRules(settings: TextSettings): TextRules {
  const { presets, patterns } = settings;
  return {
    presets:
      presets === true ? PRESETS : presets === false ? [] : PRESETS.filter((p) => presets.includes(p.name)),
    patterns: patterns.map((p) => new RegExp(p)),
  };
}

/** What is wrong with a user pattern, each problem a sentence; empty when it is usable. */
export function patternProblems(source: string): string[] {
  let groups: string[];
  try {
    // With an empty alternative the pattern matches "" and `groups` lists every name it has.
    new RegExp(source);
    groups = Object.keys(new RegExp(`(?:${source})|`).exec("")?.groups ?? {});
  } catch (e) {
    return [`not a valid regular expression: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  if (!groups.includes("requestId")) problems.push("needs a named group (?<requestId>…)");
  for (const g of groups) {
    if (!(PATTERN_GROUPS as readonly string[]).includes(g)) {
      problems.push(`unknown group name "${g}" (allowed: ${PATTERN_GROUPS.join(", ")})`);
    }
  }
  return problems;
}
