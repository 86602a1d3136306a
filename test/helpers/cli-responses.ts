/**
 * API response lines for the CLI tests, and a ledger of what was written: each line adds one to the
 * `category/code/status` key that DESIGN §4–§5 and the seed's error-code table give it, so the
 * ledger is the expected value of `aliyun_api_responses_total` (see `responsesByKey`).
 */

interface Kind {
  readonly code: string;
  readonly category: string;
  /** As the `status` label shows it. */
  readonly status: string;
}

/** Statuses come from the catalogue (seed table) since the bodies carry none; a success has none. */
const KINDS = {
  throttling: { code: "Throttling", category: "throttling", status: "400" },
  invalidParameter: { code: "InvalidParameter", category: "client_error", status: "400" },
  internalError: { code: "InternalError", category: "server_error", status: "500" },
  success: { code: "", category: "success", status: "unknown" },
} as const satisfies Record<string, Kind>;

export type KindName = keyof typeof KINDS;
const ORDER: readonly KindName[] = ["throttling", "success", "invalidParameter", "success", "internalError"];

const keyOf = (kind: Kind): string => `${kind.category}/${kind.code}/${kind.status}`;

/** One raw response body as an SDK would log it (no trailing newline). */
export function responseBody(kind: KindName, requestId: string): string {
  const k = KINDS[kind];
  if (k.code === "") return JSON.stringify({ RequestId: requestId });
  return JSON.stringify({
    RequestId: requestId,
    HostId: "ess.aliyuncs.com",
    Code: k.code,
    Message: `${k.code} for ${requestId}`,
  });
}

export class ResponseLedger {
  private readonly counts = new Map<string, number>();
  private seq = 0;
  /** Bytes of every line handed out, newline included. */
  bytes = 0;

  /** Counts one response of `kind` as written. */
  count(kind: KindName, n = 1): void {
    const key = keyOf(KINDS[kind]);
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  /** The next line of a fixed mix of kinds, newline included, counted as written. */
  line(prefix = "R", kind?: KindName): string {
    const k = kind ?? (ORDER[this.seq % ORDER.length] as KindName);
    this.seq++;
    this.count(k);
    const text = `${responseBody(k, `${prefix}-${String(this.seq).padStart(5, "0")}`)}\n`;
    this.bytes += Buffer.byteLength(text);
    return text;
  }

  /** `n` lines joined (one append). */
  lines(n: number, prefix = "R"): string {
    let out = "";
    for (let i = 0; i < n; i++) out += this.line(prefix);
    return out;
  }

  get total(): number {
    let sum = 0;
    for (const v of this.counts.values()) sum += v;
    return sum;
  }

  /** The expected `responsesByKey` map. */
  expected(): Record<string, number> {
    return Object.fromEntries([...this.counts].filter(([, v]) => v > 0));
  }
}
