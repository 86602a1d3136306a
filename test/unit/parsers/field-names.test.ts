import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyBytes, classifyName, FieldClass } from "../../../src/parsers/field-names.js";

const FIELD_NAMES = [
  "RequestId",
  "HostId",
  "Code",
  "ErrorCode",
  "Message",
  "errorMsg",
  "Action",
  "api",
  "statusCode",
  "HttpStatus",
  // Logger members: matched exactly, so their other spellings must come out as no field.
  "level",
  "severity",
  "msg",
  "pid",
  "hostname",
  "logger",
  "time",
  "ts",
  "timestamp",
  "@timestamp",
];

/** A field name with random case, `_`/`-` inserted anywhere, maybe a letter changed or added. */
const nameLike = fc
  .tuple(
    fc.constantFrom(...FIELD_NAMES),
    fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom("_", "-", "x", "s", "")), { maxLength: 3 }),
  )
  .map(([name, upper, inserts]) => {
    let s = [...name].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join("");
    for (const [at, ch] of inserts) {
      const i = at % (s.length + 1);
      s = s.slice(0, i) + ch + s.slice(i);
    }
    return s;
  });

describe("classifyBytes", () => {
  it("classifies every spelling exactly as classifyName does", () => {
    fc.assert(
      fc.property(
        fc.oneof(nameLike, fc.string({ maxLength: 30 }), fc.string({ unit: "grapheme", maxLength: 12 })),
        (name) => {
          const buf = Buffer.from(`"${name}"`);
          expect(classifyBytes(buf, 1, buf.length - 1), name).toBe(
            classifyName(buf.toString("utf8", 1, buf.length - 1)),
          );
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it("knows the aliases of DESIGN §4", () => {
    const cases: [string, FieldClass][] = [
      ["RequestId", FieldClass.RequestId],
      ["request_id", FieldClass.RequestId],
      ["x-acs-request-id", FieldClass.None],
      ["Code", FieldClass.Code],
      ["errorCode", FieldClass.ErrorCode],
      ["error_code", FieldClass.None],
      ["HttpStatus", FieldClass.Status],
      ["status_code", FieldClass.Status],
      ["status", FieldClass.None],
      ["api", FieldClass.Action],
      ["MinSize", FieldClass.None],
    ];
    for (const [name, cls] of cases) expect(classifyBytes(Buffer.from(name), 0, name.length), name).toBe(cls);
  });
});
