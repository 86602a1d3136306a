/**
 * Reviewer's cases for the README's "after a prefix" shape `Response-body: b'{…}'` (aliyunsdkcore
 * logs the body as Python 3 bytes: reference aliyun-log-formats.md §4.1, §4.2 item 4). Python's
 * bytes repr escapes what is not printable ASCII as `\xNN`, a `'` as `\'` and a backslash as `\\`,
 * so any body with a non-ASCII message, an apostrophe or a JSON escape is printed that way. Each
 * line below is exactly what `'%s' % body_bytes` prints (generated the way Python writes it).
 */
import { describe, expect, it } from "vitest";
import { analyzeText, pick } from "../../helpers/analyze-cli.js";

/** Python 3's repr() of a bytes value (single quotes; as CPython's bytes_repr). */
function pyBytesRepr(bytes: Buffer): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const c of bytes) {
    if (c === quote.charCodeAt(0) || c === 0x5c) out += `\\${String.fromCharCode(c)}`;
    else if (c === 0x09) out += "\\t";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c < 0x20 || c >= 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += String.fromCharCode(c);
  }
  return `${out}${quote}`;
}

const prefix =
  "140191 2026-11-29 10:00:01,123 aliyunsdkcore.client DEBUG Response received. Product:Dysmsapi Response-body: ";
const line = (body: object) => `${prefix}${pyBytesRepr(Buffer.from(JSON.stringify(body)))}`;

describe("aliyunsdkcore `Response-body: b'{…}'` lines", () => {
  const cases = [
    { name: "plain ASCII", body: { RequestId: "PY-1", Code: "Throttling", Message: "Request was denied" } },
    {
      name: "a non-ASCII message (\\xNN escapes)",
      body: { RequestId: "PY-2", Code: "isv.BUSINESS_LIMIT_CONTROL", Message: "触发分钟级流控Permits:1" },
    },
    {
      name: "an apostrophe (\\')",
      body: { RequestId: "PY-3", Code: "InvalidParameter", Message: "It's not valid" },
    },
    {
      name: 'a JSON escape in the message (\\\\")',
      body: { RequestId: "PY-4", Code: "InvalidParameter", Message: 'The parameter "Name" is not valid' },
    },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      const r = analyzeText(`${line(c.body)}\n`);
      expect(r.code, r.stderr).toBe(0);
      expect(pick(r.events, ["requestId", "code", "message", "error"])).toEqual([
        { requestId: c.body.RequestId, code: c.body.Code, message: c.body.Message, error: true },
      ]);
      expect(r.summary).toMatchObject({ responses: 1, malformedLines: 0 });
    });
  }
});
