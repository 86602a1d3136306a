import type { Parsed } from "../core/records.js";
import { FactsBuilder, type FieldValue } from "./facts.js";
import { classifyName, FieldClass } from "./field-names.js";

/**
 * The plain full parse: JSON.parse, then a walk of the value tree that reports to the same
 * FactsBuilder as the scanners. It is the reference the fast scanner is tested against, and the
 * parser of last resort for callers that already hold a parsed value.
 */
function parsedFromValue(value: unknown): Parsed | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const facts = new FactsBuilder("json");
  walk(value, facts);
  return facts.result();
}

/** JSON.parse of a whole body text; null for text that is not one JSON object or has no response. */
export function parseJsonText(text: string): { ok: boolean; parsed: Parsed | null } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, parsed: null };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return { ok: false, parsed: null };
  return { ok: true, parsed: parsedFromValue(value) };
}

// An explicit stack instead of recursion: bodies nested 10,000 deep must not overflow the call stack.
function walk(root: object, facts: FactsBuilder): void {
  type Step = { kind: "enter"; value: unknown } | { kind: "closeObject" } | { kind: "closeArray" };
  const todo: Step[] = [{ kind: "enter", value: root }];
  while (todo.length > 0) {
    const step = todo.pop() as Step;
    if (step.kind === "closeObject") {
      facts.close();
      continue;
    }
    if (step.kind === "closeArray") {
      facts.closeArray();
      continue;
    }
    const v = step.value;
    if (Array.isArray(v)) {
      facts.openArray();
      todo.push({ kind: "closeArray" });
      for (let i = v.length - 1; i >= 0; i--) todo.push({ kind: "enter", value: v[i] });
    } else if (v !== null && typeof v === "object") {
      facts.open();
      todo.push({ kind: "closeObject" });
      const entries = Object.entries(v);
      for (const [name, member] of entries) {
        const cls = classifyName(name);
        if (cls !== FieldClass.None) facts.field(cls, name, fieldValue(member));
      }
      for (let i = entries.length - 1; i >= 0; i--) {
        const member = (entries[i] as [string, unknown])[1];
        if (member !== null && typeof member === "object") todo.push({ kind: "enter", value: member });
      }
    }
  }
}

function fieldValue(v: unknown): FieldValue {
  return typeof v === "string" || typeof v === "number" ? v : null;
}
