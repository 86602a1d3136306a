/**
 * Turns zod issues into the problem lines a user reads: `dotted.path: what is wrong`, one per
 * problem, in zod's order (document order). zod's own messages speak about JavaScript types
 * ("expected object, received undefined"); these speak about the YAML the user wrote.
 */
import { z } from "zod";
import { closest } from "../core/did-you-mean.js";

const TYPE_NAMES: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  null: "null",
};

/** A short rendering of a value the user wrote, for "got …". */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  return String(value);
}

/** The per-parse error map: readable messages for the issue kinds the config schema can raise. */
export const configErrorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case "invalid_type":
      if (iss.input === undefined) return "Required";
      return `expected ${TYPE_NAMES[iss.expected] ?? iss.expected}, got ${describeValue(iss.input)}`;
    case "invalid_value":
      return `expected one of ${iss.values.map(String).join("|")}, got ${describeValue(iss.input)}`;
    case "too_small": {
      const min = Number(iss.minimum);
      if (iss.origin === "array") return min === 1 ? "must not be empty" : `must have at least ${min} items`;
      if (iss.origin === "string")
        return min === 1 ? "must not be empty" : `must be at least ${min} characters`;
      if (iss.inclusive === false && min === 0)
        return `must be a positive integer, got ${describeValue(iss.input)}`;
      return `must be ${iss.inclusive === false ? "greater than" : "at least"} ${min}, got ${describeValue(iss.input)}`;
    }
    case "too_big": {
      const max = Number(iss.maximum);
      if (iss.origin === "array") return `must have at most ${max} items`;
      if (iss.origin === "string") return `must be at most ${max} characters`;
      return `must be ${iss.inclusive === false ? "less than" : "at most"} ${max}, got ${describeValue(iss.input)}`;
    }
    default:
      return undefined;
  }
};

/** `sources.0.paths`; the whole document is `(root)`. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(root)" : path.map(String).join(".");
}

/** The keys that the (strict) object schema at `path` allows, or [] when there is none. */
function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (let i = 0; i <= path.length && current !== undefined; i++) {
    current = unwrap(current);
    if (i === path.length) break;
    const segment = path[i];
    if (current instanceof z.ZodObject) current = current.shape[String(segment)] as z.ZodType | undefined;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else current = undefined;
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    if (
      s instanceof z.ZodDefault ||
      s instanceof z.ZodPrefault ||
      s instanceof z.ZodOptional ||
      s instanceof z.ZodNullable
    ) {
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else return s;
  }
}

/** "unknown key" with the likely intended key (`start_at` → `startAt`), or the allowed ones. */
function unknownKeyProblem(key: string, allowed: readonly string[]): string {
  const close = closest(key, allowed);
  if (close !== undefined) return `unknown key, did you mean "${close}"?`;
  return allowed.length > 0 ? `unknown key (allowed: ${allowed.join(", ")})` : "unknown key";
}

/** One problem line per issue; an unknown key is reported at its own path. */
export function issuesToProblems(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): string[] {
  const problems: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeys(schema, issue.path);
      for (const key of issue.keys) {
        problems.push(`${formatPath([...issue.path, key])}: ${unknownKeyProblem(key, allowed)}`);
      }
    } else {
      problems.push(`${formatPath(issue.path)}: ${issue.message}`);
    }
  }
  return problems;
}

export { formatUsageError } from "../core/errors.js";
