/**
 * The named presets for the body-less error strings of the Aliyun SDKs (README "SDK error strings";
 * the exact formats are listed there with the SDK each comes from). A preset is either one regex
 * over a line (`line`) or a block (`block`): a start marker, then `Key: value` fields on the same
 * line and on the lines that follow, until a line that is not one of the block's fields.
 */

/** What a string can say about its response; `status` and `data` are raw text. */
export interface TextFields {
  requestId?: string;
  code?: string;
  message?: string;
  hostId?: string;
  status?: string;
  /** A body or dict repr the string carries (tea `Data:`, Python `Response:`): fallback for the others. */
  data?: string;
}
type TextField = keyof TextFields;

interface PresetBase {
  readonly name: string;
  /** A literal every line of this shape holds on its first line: the regex runs only where it is found. */
  readonly needle: string;
  /** Fills what the string holds only indirectly (a message that ends with the request id, a dict repr). */
  readonly complete?: (f: TextFields) => void;
}

interface LinePreset extends PresetBase {
  readonly kind: "line";
  /** Named groups: requestId, code, message, hostId, status, data. */
  readonly regex: RegExp;
}

export interface BlockPreset extends PresetBase {
  readonly kind: "block";
  /** Where the block starts; its named groups are fields, and the text after it may hold fields. */
  readonly start: RegExp;
  /** Field keys as written (`ErrorCode`, `[RequestId]`) → the field they fill (null: consumed, ignored). */
  readonly keys: Readonly<Record<string, TextField | null>>;
  /** A key after which the block is complete (tea's `Data:`). */
  readonly last?: string;
}

export type Preset = LinePreset | BlockPreset;

/** A request id token: up to white space, a quote or a separator (a trailing `.` is dropped later). */
const ID = String.raw`[^\s"',;)\]}]+`;

/**
 * One character of a field that runs on (a message), which is not where `needle` (the preset's own
 * start) begins again: a lazy `.*?` would rescan the rest of the line from every start on a line
 * that repeats the start without ever matching (quadratic); this one stops at the next start.
 */
function notAt(needle: string): string {
  return String.raw`(?:(?!${needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}).)`;
}
const PY = notAt("HTTP Status: ");
const PY_CLIENT = notAt("ClientException: ");
const JAVA = notAt("com.aliyuncs.exceptions.");
const DOTNET = notAt("Aliyun.Acs.Core.Exceptions.");
const NODE = notAt("code: ");
const PY_TEA = notAt("Error: ");
const OSS_GO = notAt("oss: service returned error: ");
const OSS_JAVA = notAt("OSSException: ");
const OSS_PY = notAt("'status': ");

/** `code: 400, <message> request id: <id>` — the tea message, alone or after `<Code>: ` (Node). */
const TEA_MESSAGE = /^code: (\d{3}), ([\s\S]*?)\s*request ?id: (\S+)/;

function fromTeaMessage(f: TextFields): void {
  const m = f.message === undefined ? null : TEA_MESSAGE.exec(f.message);
  if (m === null) return;
  f.status ??= m[1];
  f.message = m[2];
  f.requestId ??= m[3];
}

/** `'Key': 'value'` or `"Key":"value"` in a dict repr or JSON text. */
function member(text: string, key: string): string | undefined {
  const m = new RegExp(String.raw`['"]${key}['"]\s*:\s*(?:'([^']*)'|"((?:[^"\\]|\\.)*)"|(\d+))`).exec(text);
  return m === null ? undefined : (m[1] ?? m[2] ?? m[3]);
}

function fromData(f: TextFields): void {
  const data = f.data;
  if (data === undefined) return;
  f.requestId ??= member(data, "RequestId") ?? member(data, "requestId");
  f.code ??= member(data, "Code");
  f.message ??= member(data, "Message");
  f.hostId ??= member(data, "HostId");
  f.status ??= member(data, "statusCode");
}

/** OSS Java's `[Key]: value` fields (OSSException.getMessage). */
const OSS_JAVA_KEYS: BlockPreset["keys"] = {
  "[ErrorCode]": "code",
  "[RequestId]": "requestId",
  "[HostId]": "hostId",
  "[ResponseError]": null,
};

export const PRESETS: readonly Preset[] = [
  {
    // aliyunsdkcore ServerException.__str__ (also ClientException subclasses that carry a status).
    kind: "line",
    name: "python-core",
    needle: "HTTP Status: ",
    regex: new RegExp(
      String.raw`HTTP Status: (?<status>\S+) Error:(?<code>\S+) ?(?<message>${PY}*?) RequestID: (?<requestId>${ID})`,
    ),
  },
  {
    kind: "line",
    name: "python-core-client",
    needle: "ClientException: ",
    regex: new RegExp(
      String.raw`ClientException: (?<code>[\w.]+) (?<message>${PY_CLIENT}*?) RequestID: (?<requestId>${ID})`,
    ),
  },
  {
    // com.aliyuncs.exceptions.ServerException: Code : Message, then `RequestId : …` (getMessage).
    kind: "block",
    name: "java-core",
    needle: "com.aliyuncs.exceptions.",
    start: new RegExp(
      String.raw`com\.aliyuncs\.exceptions\.(?:Server|Client)Exception: (?<code>[\w.:-]+?) : (?<message>${JAVA}*?)(?=\s*(?:RequestId\s*:|$))`,
    ),
    keys: { RequestId: "requestId", Description: null, Recommend: null },
  },
  {
    kind: "block",
    name: "java-core-errcode",
    needle: "ErrCode",
    start: /(?<![\w.-])(?=ErrCode\s*:)/,
    keys: { ErrCode: "code", ErrMsg: "message", RequestId: "requestId" },
  },
  {
    kind: "block",
    name: "dotnet-core",
    needle: "Aliyun.Acs.Core.Exceptions.",
    start: new RegExp(
      String.raw`Aliyun\.Acs\.Core\.Exceptions\.(?:Server|Client)Exception: (?<code>[\w.:-]+?) : (?<message>${DOTNET}*?)(?=\s*(?:RequestId\s*:|$))`,
    ),
    keys: { RequestId: "requestId" },
  },
  {
    // alibaba-cloud-sdk-go ServerError.Error(): one field a line (also in Terraform's `│ ` boxes).
    kind: "block",
    name: "go-core",
    needle: "SDK.ServerError",
    start: /SDK\.ServerError/,
    keys: {
      ErrorCode: "code",
      Recommend: null,
      RequestId: "requestId",
      Message: "message",
      RespHeaders: null,
      AccessDeniedDetail: null,
    },
  },
  {
    // tea / darabonba SDKError.Error() (Go, TypeScript, Python): `Message: code: 400, … request id: …`.
    kind: "block",
    name: "tea",
    needle: "SDKError:",
    start: /SDKError:/,
    keys: { StatusCode: "status", Code: "code", Message: "message", Data: "data", RequestId: "requestId" },
    last: "Data",
    complete: (f) => {
      fromTeaMessage(f);
      fromData(f);
    },
  },
  {
    // Node tea ResponseError.message `<Code>: code: 400, <Message> request id: <id>`; pop-core ROA
    // `<Code>Error: code: 404, <Message>, requestid: <id>`.
    kind: "line",
    name: "node-tea",
    needle: "code: ",
    regex: new RegExp(
      String.raw`(?<![\w.])(?!Message:)(?:(?<code>[A-Za-z][\w.]*): )?code: (?<status>\d{3}), (?<message>${NODE}*?),? request ?id: (?<requestId>${ID})`,
    ),
  },
  {
    // alibabacloud_tea_openapi TeaException.__str__: `Error: <code> <message> Response: <dict repr>`.
    kind: "line",
    name: "python-tea",
    needle: "Response: ",
    regex: new RegExp(
      String.raw`(?<![\w.])Error: (?<code>\S+) (?<message>${PY_TEA}*?) Response: (?<data>\{${PY_TEA}*\})`,
    ),
    complete: (f) => {
      fromTeaMessage(f);
      fromData(f);
    },
  },
  {
    kind: "line",
    name: "aliyungo",
    needle: "Aliyun API Error: ",
    regex: new RegExp(
      String.raw`Aliyun API Error: RequestId: (?<requestId>${ID}) Status Code: (?<status>\d+) Code: (?<code>\S*) Message: (?<message>.*)`,
    ),
  },
  {
    // aliyun-oss-go-sdk ServiceError.Error(), ErrorMessage quoted or not, an `, Ec=…` after it or not.
    kind: "line",
    name: "oss-go",
    needle: "oss: service returned error: ",
    regex: new RegExp(
      String.raw`oss: service returned error: StatusCode=(?<status>\d+), ErrorCode=(?<code>[^,]*), ErrorMessage=(?<message>"${OSS_GO}*?"|${OSS_GO}*?), RequestId=(?<requestId>${ID})`,
    ),
    complete: (f) => {
      const m = f.message;
      if (m !== undefined && m.length >= 2 && m.startsWith('"') && m.endsWith('"'))
        f.message = m.slice(1, -1);
    },
  },
  {
    // alibabacloud-oss-go-sdk-v2 ServiceError.Error(): one `Key: value.` a line.
    kind: "block",
    name: "oss-go-v2",
    needle: "Error returned by Service.",
    start: /Error returned by Service\./,
    keys: {
      "Http Status Code": "status",
      "Error Code": "code",
      "Request Id": "requestId",
      Message: "message",
      EC: null,
      Timestamp: null,
      "Request Endpoint": null,
    },
    complete: (f) => {
      for (const k of ["status", "code", "requestId"] as const) f[k] = f[k]?.replace(/\.$/, "");
    },
  },
  {
    // aliyun-oss-java-sdk OSSException.getMessage(): the message, then `[ErrorCode]: …` lines.
    kind: "block",
    name: "oss-java",
    needle: "OSSException: ",
    start: new RegExp(
      String.raw`(?<![\w$.])(?:[\w$.]+\.)?OSSException: (?<message>${OSS_JAVA}*?)(?=\s*(?:\[ErrorCode\]|$))`,
    ),
    keys: OSS_JAVA_KEYS,
    last: "[ResponseError]",
  },
  {
    kind: "block",
    name: "oss-java-fields",
    needle: "[ErrorCode]",
    start: /(?=\[ErrorCode\])/,
    keys: OSS_JAVA_KEYS,
    last: "[ResponseError]",
  },
  {
    // oss2 exceptions: str() of `{'status': 404, 'x-oss-request-id': '…', 'details': {…}}`.
    kind: "line",
    name: "oss-python",
    needle: "'x-oss-request-id': '",
    regex: new RegExp(
      String.raw`(?:oss2\.exceptions\.(?<code>\w+): )?\{'status': (?<status>-?\d+), 'x-oss-request-id': '(?<requestId>[^']*)', 'details': (?<data>\{${OSS_PY}*\})\}`,
    ),
    complete: (f) => {
      const generic = f.code === undefined || f.code === "ServerError" || f.code === "OssError";
      if (f.data !== undefined && member(f.data, "Code") !== undefined) f.code = member(f.data, "Code");
      else if (generic) f.code = undefined;
      fromData(f);
    },
  },
];

export const PRESET_NAMES: readonly string[] = PRESETS.map((p) => p.name);
