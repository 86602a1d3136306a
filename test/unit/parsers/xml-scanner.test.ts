import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeBuffer } from "../../../src/analyze/in-memory.js";
import type { Parsed } from "../../../src/core/records.js";
import { FactsBuilder } from "../../../src/parsers/facts.js";
import { SaxBody, XmlStatus } from "../../../src/parsers/xml-sax.js";
import { scanXmlLine } from "../../../src/parsers/xml-scanner.js";

/** The full parse: sax (strict), as the framer runs it on a one-line document. */
function sax(line: string): { end: number; parsed: Parsed | null } | null {
  const body = new SaxBody();
  body.begin();
  const text = `${line}\n`;
  if (body.write(text) !== XmlStatus.Done) return null;
  return { end: Buffer.byteLength(text.slice(0, body.endInLastText)), parsed: body.result() };
}

/** The fast path; null where it declines (then sax decides). */
function fast(line: string): { end: number; parsed: Parsed | null } | null | "declined" {
  const buf = Buffer.from(line);
  const facts = new FactsBuilder("xml");
  const end = scanXmlLine(buf, 0, buf.length, facts);
  return end < 0 ? "declined" : { end, parsed: facts.result() };
}

const NAMES = [
  "Error",
  "DescribeRegionsResponse",
  "RequestId",
  "HostId",
  "Code",
  "Message",
  "oss:Code",
  // A name may start with `:`, and a name with two colons is not namespace-well-formed: the local
  // name follows the first colon, as sax's names give it.
  ":RequestId",
  "a:b:Code",
  "Regions",
  "Region",
  "RegionId",
  "StatusCode",
  "HttpStatus",
  "Action",
  "Items",
  "a",
  "_x",
  "b.c",
];
const name = fc.constantFrom(...NAMES);
const text = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "R-1",
    " Throttling ",
    "400",
    "a&amp;b",
    "&lt;x&gt;",
    "&#65;&#x42;",
    "&#x1F600;&#0065;",
    "&#1;&#xD800;",
    "&AMP;&#X41;",
    "华东1",
    "&quot;&apos;",
  ),
  fc.string({ maxLength: 6 }).map((s) => s.replace(/[<&]/g, "")),
);
const attrs = fc.constantFrom(
  "",
  ' xmlns="http://doc.oss-cn-hangzhou.aliyuncs.com"',
  " a='1'",
  ' a="1" b="2"',
);

const element: fc.Arbitrary<string> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small" },
    fc.tuple(name, text).map(([n, t]) => `<${n}>${t}</${n}>`),
    fc.tuple(name, attrs).map(([n, a]) => `<${n}${a}/>`),
    fc
      .tuple(name, attrs, fc.array(tie("node"), { maxLength: 4 }))
      .map(([n, a, kids]) => `<${n}${a}>${(kids as string[]).join("")}</${n}>`),
  ),
})).node;

const decl = fc.constantFrom("", '<?xml version="1.0" encoding="UTF-8"?>', "<?xml version='1.0'?>");

describe("scanXmlLine against sax", () => {
  it("never accepts what sax rejects, and agrees with sax on what it accepts", () => {
    const mutation = fc.tuple(
      fc.nat(),
      fc.constantFrom("none", "cut", "insert", "delete"),
      fc.constantFrom(..."<>/&;=\"' x:!?"),
    );
    fc.assert(
      fc.property(decl, element, mutation, (d, e, [at, kind, ch]) => {
        const full = d + e;
        const i = at % (full.length + 1);
        const line =
          kind === "none"
            ? full
            : kind === "cut"
              ? full.slice(0, i)
              : kind === "insert"
                ? full.slice(0, i) + ch + full.slice(i)
                : full.slice(0, i) + full.slice(i + 1);
        const f = fast(line);
        if (f === "declined") return;
        expect(f, line).toEqual(sax(line));
      }),
      { numRuns: 5000 },
    );
  });

  it("takes the local name after the first colon, a colon first in the name included", () => {
    for (const line of [
      '<R><:RequestId a="1"/></R>',
      "<R><:RequestId>x</:RequestId></R>",
      "<R><RequestId>r</RequestId><a:b:Code>C</a:b:Code><b:Code>D</b:Code></R>",
    ]) {
      const f = fast(line);
      expect(f, line).not.toBe("declined");
      expect(f, line).toEqual(sax(line));
    }
  });

  it("takes the common shapes itself instead of declining", () => {
    const lines = [
      '<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>A</RequestId><HostId>ess.aliyuncs.com</HostId><Code>Throttling</Code><Message>x &amp; y</Message></Error>',
      '<Error xmlns="http://doc.oss-cn-hangzhou.aliyuncs.com"><Code>QpsLimitExceeded</Code><RequestId>B</RequestId><HostId/></Error>',
      "<DescribeRegionsResponse><RequestId>C</RequestId><Regions><Region><Code>200</Code></Region></Regions></DescribeRegionsResponse>",
    ];
    for (const line of lines) {
      const f = fast(line);
      expect(f).not.toBe("declined");
      expect(f).toEqual(sax(line));
    }
  });

  it("declines text right inside the root, such as Java's <init> frames", () => {
    expect(fast("<init>(Foo.java:10)</init>")).toBe("declined");
    expect(sax("at Foo.<init>(Foo.java:10)".slice(7))).toBeNull();
  });
});

const ids = (r: { events: { requestId: string }[] }) => r.events.map((e) => e.requestId);
const b = (s: string) => Buffer.from(s);

describe("the end of an XML body after invalid UTF-8", () => {
  it("multi-line XML: a body after the end tag on the last line is still found", () => {
    const input = Buffer.concat([
      b("<Error>\n<RequestId>R1</RequestId>\n<Code>"),
      Buffer.from([0xff, 0xfe]),
      b('Bad</Code></Error> {"RequestId":"R2"}\n'),
    ]);
    expect(ids(analyzeBuffer(input))).toEqual(["R1", "R2"]);
  });

  it("one-line XML read by sax: a body after the end tag is still found", () => {
    // The comment sends the line to sax instead of the one-line fast path.
    const input = Buffer.concat([
      b("<Error><RequestId>R1</RequestId><Code>"),
      Buffer.from([0xff, 0xfe]),
      b('Bad</Code><!-- c --></Error> {"RequestId":"R2"}\n'),
    ]);
    expect(ids(analyzeBuffer(input))).toEqual(["R1", "R2"]);
  });
});
