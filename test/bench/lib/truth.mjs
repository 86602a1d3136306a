/**
 * Ground truth: the `analyze --json` summary the generator expects for each file, computed from what it
 * wrote, with the rules of /tmp/analyze-contract.md (DESIGN §4–§5) written out again independently of
 * src/ — a bench that reused the product's classifier could not catch the product's mistakes.
 */

/** The seed's catalogue statuses (config/error-codes.yaml mirrors the seed table). */
export const CATALOG_STATUS = {
  "InvalidAccessKeyId.NotFound": 400,
  InvalidParameter: 400,
  MissingParameter: 400,
  NoSuchVersion: 400,
  ResourceNotAvailable: 400,
  Throttling: 400,
  UnsupportedOperation: 400,
  Forbidden: 403,
  "Forbidden.RiskControl": 403,
  "Forbidden.Unsubscribed": 403,
  "Forbidden.UserVerification": 403,
  SignatureDoesNotMatch: 403,
  InternalError: 500,
  ServiceUnavailable: 503,
};

const SUCCESS_CODES = new Set(["OK", "Success", "success", "200"]);
const AUTH_FAMILIES = [
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "Forbidden",
  "InvalidSecurityToken",
  "IncompleteSignature",
  "SignatureNonceUsed",
  "InvalidTimeStamp",
];
const SERVER_FAMILIES = ["InternalError", "ServiceUnavailable", "UnknownError"];
const inFamily = (code, families) => families.some((f) => code === f || code.startsWith(`${f}.`));

/**
 * Status, error flag and category of one response. `explicit` is a body/wrapper/line status or null.
 * No catalogue entry of the seed sets a category override, so the rules alone decide the category.
 */
function classify(code, explicit) {
  const status =
    explicit ?? (code !== "" && CATALOG_STATUS[code] !== undefined ? CATALOG_STATUS[code] : "unknown");
  const error = (explicit !== null && explicit >= 400) || (code !== "" && !SUCCESS_CODES.has(code));
  let category = "success";
  if (error) {
    const n = typeof status === "number" ? status : 0;
    if (n === 429 || /throttling/i.test(code) || code === "QpsLimitExceeded" || code === "TooManyRequests") {
      category = "throttling";
    } else if (n === 401 || n === 403 || inFamily(code, AUTH_FAMILIES)) {
      category = "auth_error";
    } else if (n >= 500 || inFamily(code, SERVER_FAMILIES)) {
      category = "server_error";
    } else {
      category = "client_error";
    }
  }
  return { status, error, category };
}

const bump = (map, key) => {
  map[key] = (map[key] ?? 0) + 1;
};

const sortedKeys = (map) =>
  Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Accumulates one file's summary in the exact shape (and key order) of `analyze --json`. */
export class Truth {
  constructor() {
    this.lines = 0;
    this.responses = 0;
    this.success = 0;
    this.errors = 0;
    this.throttled = 0;
    this.byCode = {};
    this.byStatus = {};
    this.byCategory = {};
    this.nonResponseLines = 0;
  }

  /** One recognised response whose body covers `lines` non-blank physical lines. */
  response(code, explicitStatus, lines = 1) {
    const { status, error, category } = classify(code, explicitStatus);
    this.lines += lines;
    this.responses++;
    if (error) this.errors++;
    else this.success++;
    if (category === "throttling") this.throttled++;
    bump(this.byCode, code);
    bump(this.byStatus, String(status));
    bump(this.byCategory, category);
    return { status, error, category };
  }

  /** A line that holds only a valid body without a request id (or plain text). */
  nonResponse() {
    this.lines++;
    this.nonResponseLines++;
  }

  summary(bytes) {
    return {
      lines: this.lines,
      bytes,
      responses: this.responses,
      success: this.success,
      errors: this.errors,
      throttled: this.throttled,
      byCode: sortedKeys(this.byCode),
      byStatus: sortedKeys(this.byStatus),
      byCategory: sortedKeys(this.byCategory),
      unrecognizedLines: this.nonResponseLines,
      malformedLines: 0,
      nonResponseLines: this.nonResponseLines,
      oversizedLines: 0,
      duplicates: 0,
    };
  }
}
