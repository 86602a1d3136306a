import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonScanner } from "../../../src/parsers/json-scanner.js";
import { parseJsonText } from "../../../src/parsers/json-tree.js";
import { scanJsonText } from "../../helpers/scan-text.js";

// Names that the extractor cares about, mixed with ordinary ones, so generated bodies exercise every
// field class, duplicates and case variants. No integer-like names: JSON.parse orders those first,
// which no log writer relies on.
const NAMES = [
  "RequestId",
  "requestId",
  "requestid",
  "request_id",
  "x-acs-request-id",
  "HostId",
  "hostId",
  "Code",
  "code",
  "CODE",
  "ErrorCode",
  "errorCode",
  "Message",
  "message",
  "errorMsg",
  "statusCode",
  "StatusCode",
  "HttpStatus",
  "status_code",
  "status",
  "action",
  "Action",
  "api",
  "body",
  "data",
  "response",
  "err",
  "Items",
  "ScalingGroupId",
  "TotalCount",
  "Recommend",
];

const name = fc.oneof(
  fc.constantFrom(...NAMES),
  fc.string({ maxLength: 8 }).filter((s) => !/^(0|[1-9]\d*)$/.test(s)),
);
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 6 }),
  fc.constantFrom(
    "",
    " Throttling ",
    "OK",
    "200",
    "400",
    "429",
    "ess.aliyuncs.com",
    'a"b\\c\n',
    "\u0000\u001f",
  ),
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(200, 400, 403, 503, 1e21, -0, 0.5, 2 ** 64),
  fc.boolean(),
  fc.constant(null),
);

const body: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("object"), tie("array")),
  // Duplicate keys survive into the text (JSON.parse: the last value wins), except for keys whose
  // value is an object or array: JSON.parse drops the earlier object whole and keeps the later one
  // at the first one's place, while the scanner sees every object where it stands in the text. The
  // scanner's answer is the useful one there (those responses were logged), so such inputs are left
  // out of the comparison.
  object: fc.array(fc.tuple(name, tie("value")), { maxLength: 6 }).map((pairs) => ({
    __pairs: pairs.filter(([k, v], i) => !(isContainer(v) && pairs.some(([k2], j) => j !== i && k2 === k))),
  })),
  array: fc.array(tie("value"), { maxLength: 4 }),
})).object;

/** The reference: JSON.parse of the same bytes the scanner sees (lone surrogates become U+FFFD in UTF-8). */
function fullParse(text: string) {
  return parseJsonText(Buffer.from(text, "utf8").toString("utf8"));
}

function isContainer(v: unknown): boolean {
  return v !== null && typeof v === "object";
}

/** Serialises with duplicate keys kept and optional pretty-printing. */
function toText(v: unknown, indent: string, depth = 0): string {
  const nl = indent === "" ? "" : `\n${indent.repeat(depth + 1)}`;
  const end = indent === "" ? "" : `\n${indent.repeat(depth)}`;
  if (Array.isArray(v))
    return v.length === 0 ? "[]" : `[${v.map((x) => nl + toText(x, indent, depth + 1)).join(",")}${end}]`;
  if (v !== null && typeof v === "object" && "__pairs" in v) {
    const pairs = (v as { __pairs: [string, unknown][] }).__pairs;
    if (pairs.length === 0) return "{}";
    return `{${pairs.map(([k, x]) => `${nl}${JSON.stringify(k)}:${indent ? " " : ""}${toText(x, indent, depth + 1)}`).join(",")}${end}}`;
  }
  return JSON.stringify(v) ?? "null";
}

const layout = fc.constantFrom("", "  ", "    ", "\t");

/**
 * Whether `text` is valid JSON in which some object repeats a member name with an object or array
 * value at one of its places: the inputs that `body` leaves out of the comparison.
 */
function repeatsContainerName(text: string): boolean {
  try {
    JSON.parse(text);
  } catch {
    return false;
  }
  const objects: (Map<string, boolean> | null)[] = []; // null: an array
  let atName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const names = objects[objects.length - 1];
      if (atName && names) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const value = text.slice(j + 1).replace(/^[ \t\n\r]*:[ \t\n\r]*/, "")[0];
        const container = value === "{" || value === "[";
        const before = names.get(key);
        if (before !== undefined && (before || container)) return true;
        names.set(key, container);
        atName = false;
      }
      i = j;
    } else if (c === "{") {
      objects.push(new Map());
      atName = true;
    } else if (c === "[") objects.push(null);
    else if (c === "}" || c === "]") objects.pop();
    else if (c === ",") atName = objects[objects.length - 1] != null;
  }
  return false;
}

describe("JsonScanner against JSON.parse", () => {
  it("gives the full parse's answer for valid bodies, compact or pretty", () => {
    fc.assert(
      fc.property(body, layout, (b, indent) => {
        const text = toText(b, indent);
        expect(scanJsonText(text)).toEqual(fullParse(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("gives the full parse's answer for broken bodies (truncated, bytes changed or removed)", () => {
    const mutation = fc.tuple(
      fc.nat(),
      fc.constantFrom("cut", "insert", "delete"),
      fc.constantFrom(...'{}[]":,\\ 0-eE.tfn\n\r\t\u0001x'),
    );
    fc.assert(
      fc.property(body, layout, mutation, (b, indent, [at, kind, ch]) => {
        const full = toText(b, indent);
        const i = full.length === 0 ? 0 : at % full.length;
        const text =
          kind === "cut"
            ? full.slice(0, i)
            : kind === "insert"
              ? full.slice(0, i) + ch + full.slice(i)
              : full.slice(0, i) + full.slice(i + 1);
        // A change can make two member names equal (`" "` losing its space): left out as in `body`.
        fc.pre(!repeatsContainerName(text));
        expect(scanJsonText(text)).toEqual(fullParse(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees on literal edge cases", () => {
    const cases = [
      '{"RequestId":"a"}',
      '{"RequestId":" "}',
      '{"RequestId":12}',
      '{"RequestId":"a","RequestId":"b"}',
      '{"RequestId":"a","requestId":"b"}',
      '{"RequestId":{},"requestId":"b"}',
      '{"\\u0052equestId":"esc"}',
      '{"Code":"\\u0054hrottling","RequestId":"x"}',
      '{"a":{"RequestId":"inner","Code":"E"},"RequestId":"outer"}',
      '{"a":[{"RequestId":"deep"}],"b":{"RequestId":"level1"}}',
      '{"statusCode":400,"body":{"RequestId":"r","Code":"X"}}',
      '{"body":{"RequestId":"r","Code":"X"},"statusCode":"503"}',
      '{"x":01}',
      '{"x":1.}',
      '{"x":-}',
      '{"x":1e}',
      '{"x":tru}',
      '{"x":"\\x"}',
      '{"x":"\t"}',
      '{"x":1}x',
      "{}",
      '{"RequestId":"r"',
      '{"RequestId":"r"}\u00a0',
      // A container or literal value is no field's value, and overrides an earlier one (last wins).
      '{"RequestId":null}',
      '{"RequestId":true,"Code":"x"}',
      '{"RequestId":"a","RequestId":null}',
      '{"a":{"RequestId":{"RequestId":{"RequestId":"in"}}}}',
      '{"level":{},"time":1,"RequestId":"x","HostId":"h"}',
      '{"level":null,"msg":"m","err":{"RequestId":"n","Code":"E"}}',
      // A name's first occurrence keeps its place, whatever its first value: "" (requestId) wins.
      '{"a":{"requestId":false,"RequestId":0,"requestId":""}}',
      // An ancestor without fields still closes for the response under it: a later sibling of that
      // ancestor is no wrapper (its status is not the response's).
      '{"resp":{"data":{"RequestId":"x"}},"other":{"statusCode":500}}',
      '{"resp":[{"RequestId":"x"}],"other":{"statusCode":500}}',
      '{"resp":{"mid":{"Code":"E","data":{"RequestId":"x"}}},"other":{"statusCode":500}}',
      '{"w":{"resp":{"data":{"RequestId":"x"}},"other":{"statusCode":500}},"statusCode":404}',
    ];
    for (const text of cases) expect(scanJsonText(text), text).toEqual(fullParse(text));
  });

  it("takes no status from an ancestor's sibling, with or without fields in the ancestors", () => {
    expect(
      scanJsonText('{"resp":{"data":{"RequestId":"x"}},"other":{"statusCode":500}}').parsed?.wrapperStatus,
    ).toBeNull();
    expect(
      scanJsonText('{"resp":[{"RequestId":"x"}],"other":{"statusCode":500}}').parsed?.wrapperStatus,
    ).toBeNull();
    const between = '{"resp":{"mid":{"Code":"E","data":{"RequestId":"x"}}},"other":{"statusCode":500}}';
    expect(scanJsonText(between).parsed?.wrapperStatus).toBeNull();
    const nested = '{"w":{"resp":{"data":{"RequestId":"x"}},"other":{"statusCode":500}},"statusCode":404}';
    expect(scanJsonText(nested).parsed?.wrapperStatus).toBe(404);
  });

  it("keeps no field container per depth for a body nested 20,000 deep with a field at each", () => {
    const scanner = new JsonScanner();
    const text = `${'{"RequestId":"x","a":'.repeat(20_000)}{}${"}".repeat(20_000)}`;
    const buf = Buffer.from(text);
    expect(scanner.begin(buf, 0, buf.length)).toBe(buf.length);
    expect(scanner.result()?.requestId).toBe("x");
    // Bounded memory: only the shallow depths' containers are kept for the next body.
    const pool = (scanner.facts as unknown as { pool: unknown[] }).pool;
    expect(pool.length).toBeLessThanOrEqual(64);
  });

  it("takes no field container for objects whose only field has no value, 20,000 deep", () => {
    const scanner = new JsonScanner();
    const text = `${'{"RequestId":'.repeat(20_000)}{"RequestId":"in"}${"}".repeat(20_000)}`;
    const buf = Buffer.from(text);
    expect(scanner.begin(buf, 0, buf.length)).toBe(buf.length);
    expect(scanner.result()?.requestId).toBe("in");
    // Only the innermost object, whose id is a string, has a container.
    const slots = (scanner.facts as unknown as { slots: unknown[] }).slots;
    expect(slots.filter((c) => c !== undefined)).toHaveLength(1);
  });

  it("handles 10,000 levels of nesting without recursion", () => {
    const text = `${'{"a":'.repeat(10_000)}{"RequestId":"deep"}${"}".repeat(10_000)}`;
    const r = scanJsonText(text);
    expect(r.ok).toBe(true);
    expect(r.parsed?.requestId).toBe("deep");
  });
});
