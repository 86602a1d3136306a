/**
 * Masks credentials in text the exporter serves or prints (README, "Redaction"): AccessKey ids
 * (`LTAI…`, `STS.…`, kept recognisable as `LTAI5t…0001`), security tokens, signatures, the
 * "string to sign" that SignatureDoesNotMatch messages quote, `Authorization` values and AccessKey
 * secrets. Runs on what is kept or printed (recent errors, events), never on the counting path.
 */

export type Redactor = (text: string) => string;

const MASK = "[redacted]";

/** One cheap scan that every text needing a mask matches; most messages stop here. */
const TRIGGER = /LTAI|STS\.|CAIS|token|signature|to.?sign|authorization|secret/i;

/** An id is not preceded by a letter or digit, except after a URL-encoded `=` (`%3D`). */
const ID_START = "(?:(?<=%3D)|(?<![A-Za-z0-9.]))";
const ACCESS_KEY_ID = new RegExp(String.raw`${ID_START}(LTAI|STS\.)([A-Za-z0-9]{8,40})(?![A-Za-z0-9])`, "g");
/**
 * A name, then `=`/`:`/`%3D` (optionally quoted), then its value up to a separator. Blanks around
 * the separator are bounded (`{0,8}`), so that a long run of them costs linear time, not quadratic.
 */
const value = (names: string) =>
  new RegExp(
    String.raw`((?:(?<=%26)|\b)(?:${names})\b(?:["']?\s{0,8}(?:[:=]|%3D)\s{0,8}["']?|>))((?:(?!%26)[^\s"'&,;<\]}])+)`,
    "gi",
  );
const TOKEN = value("(?:x-acs-)?security[_-]?token|sts[_-]?token");
const SIGNATURE = value("signature|signatureprovided");
const SECRET = value("access[_-]?key[_-]?secret|accesskeysecret");
/** The scheme stays (`acs`, `OSS`, `ACS3-HMAC-SHA256`); the credential after it goes, to the quote or line end. */
const AUTHORIZATION =
  /(\bauthorization\b["']?\s{0,8}[:=]\s{0,8}\[?["']?)(?:([A-Za-z0-9-]+) )?([^"'\r\n\]]+)/gi;
/** An STS token on its own (they start `CAIS` and run to hundreds of base64 characters). */
const BARE_TOKEN = /(?<![A-Za-z0-9+/])CAIS[A-Za-z0-9+/=]{40,}/g;
/**
 * `server string to sign is:GET&%2F&AccessKeyId%3D…` (RPC: one token) or a multi-line payload (ROA,
 * V3): the token, and when the payload goes on over lines, everything after it.
 */
const STRING_TO_SIGN =
  /(string[ _-]?to[ _-]?sign(?:[ _-]?bytes)?(?: is)?\s{0,8}[:=]?\s{0,8})(?![>[])(\S*(?:\n[\s\S]*)?)/gi;
const XML_STRING_TO_SIGN = /(<StringToSign(?:Bytes)?>)[^<]*/g;

/** `LTAI5tAbCdEfGh0001` → `LTAI5t…0001`: the first 6 and last 4 characters of an AccessKey id. */
export function maskKeyId(id: string): string {
  return id.length <= 10 ? `${id.slice(0, 4)}…` : `${id.slice(0, 6)}…${id.slice(-4)}`;
}

/** The text with every credential masked; the same string when there is none. */
export function redactSecrets(text: string): string {
  if (!TRIGGER.test(text)) return text;
  return text
    .replace(STRING_TO_SIGN, (_m, head: string, payload: string) =>
      payload === "" ? head : `${head}${MASK}`,
    )
    .replace(XML_STRING_TO_SIGN, `$1${MASK}`)
    .replace(
      AUTHORIZATION,
      (_m, head: string, scheme: string | undefined) => `${head}${scheme ? `${scheme} ` : ""}${MASK}`,
    )
    .replace(TOKEN, `$1${MASK}`)
    .replace(SIGNATURE, `$1${MASK}`)
    .replace(SECRET, `$1${MASK}`)
    .replace(BARE_TOKEN, MASK)
    .replace(ACCESS_KEY_ID, (id: string) => maskKeyId(id));
}

const unchanged: Redactor = (text) => text;

/** Decided once from the config (`redact`, `--no-redact`). */
export function redactor(enabled: boolean): Redactor {
  return enabled ? redactSecrets : unchanged;
}
