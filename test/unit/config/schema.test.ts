import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { configErrorMap, issuesToProblems } from "../../../src/config/problems.js";
import { configSchema, parseListen } from "../../../src/config/schema.js";
import { METRICS } from "../../../src/metrics/catalog.js";
import { RESERVED_LABELS } from "../../../src/metrics/static-labels.js";

describe("parseListen", () => {
  it.each([
    ["0.0.0.0:9787", { host: "0.0.0.0", port: 9787 }],
    ["127.0.0.1:0", { host: "127.0.0.1", port: 0 }],
    ["localhost:65535", { host: "localhost", port: 65535 }],
    ["exporter.svc.cluster.local:80", { host: "exporter.svc.cluster.local", port: 80 }],
    ["[::]:9787", { host: "::", port: 9787 }],
    ["[::1]:1", { host: "::1", port: 1 }],
    ["[fe80::1%eth0]:9787", { host: "fe80::1%eth0", port: 9787 }],
    ["[::ffff:127.0.0.1]:9787", { host: "::ffff:127.0.0.1", port: 9787 }],
  ])("%s", (value, expected) => {
    expect(parseListen(value)).toEqual(expected);
  });

  it.each([
    "abc",
    "9787",
    ":9787",
    "0.0.0.0:",
    "0.0.0.0:65536",
    "0.0.0.0:123456",
    "0.0.0.0:-1",
    "0.0.0.0:80a",
    ":::9787",
    "::1:9787",
    "[::1]9787",
    "[not-v6]:80",
    "host name:80",
    "http://host:80",
  ])("refuses %s", (value) => {
    expect(parseListen(value)).toBeNull();
  });

  it("round-trips every port with IPv4, names and bracketed IPv6", () => {
    const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join("."));
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,10}){0,3}$/);
    const ipv6 = fc.ipV6();
    fc.assert(
      fc.property(fc.oneof(ipv4, name, ipv6), fc.integer({ min: 0, max: 65535 }), (host, port) => {
        const text = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
        expect(parseListen(text)).toEqual({ host, port });
      }),
    );
  });

  it("explains an unbracketed IPv6 address and a port out of range", () => {
    const problems = (listen: string) => {
      const result = configSchema.safeParse(
        { listen, sources: [{ name: "a", paths: ["x"] }] },
        { error: configErrorMap },
      );
      return result.success ? [] : issuesToProblems(configSchema, result.error.issues);
    };
    expect(problems("::1:9787")).toEqual([
      'listen: expected HOST:PORT, got "::1:9787" (write IPv6 addresses in brackets: [::]:9787)',
    ]);
    expect(problems("[::]:70000")).toEqual(['listen: port must be 0-65535, got "[::]:70000"']);
  });
});

describe("schema", () => {
  it("reserves exactly the labels that the exporter sets on aliyun_api_responses_total", () => {
    expect(RESERVED_LABELS).toEqual(METRICS.responses.labels);
  });

  it("suggests the camelCase key for snake_case and kebab-case spellings, at any depth", () => {
    const input = {
      log_level: "info",
      sources: [{ name: "a", paths: ["x"], "max-record-bytes": 1, partial_line_timeout_ms: 1 }],
      checkpoint: { interval_ms: 1 },
      server: { tls: { cert_file: "c", keyFile: "k" } },
    };
    const result = configSchema.safeParse(input, { error: configErrorMap });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(issuesToProblems(configSchema, result.error.issues)).toEqual([
      'sources.0.max-record-bytes: unknown key, did you mean "maxRecordBytes"?',
      'sources.0.partial_line_timeout_ms: unknown key, did you mean "partialLineTimeoutMs"?',
      'checkpoint.interval_ms: unknown key, did you mean "intervalMs"?',
      "server.tls.certFile: Required",
      'server.tls.cert_file: unknown key, did you mean "certFile"?',
      'log_level: unknown key, did you mean "logLevel"?',
    ]);
  });

  it("accepts catalogue entries in errorCodes.codes with the catalogue's own rules", () => {
    const base = { sources: [{ name: "a", paths: ["x"] }] };
    const ok = configSchema.safeParse({ ...base, errorCodes: { codes: [{ code: "Foo.Bar", status: 409 }] } });
    expect(ok.success).toBe(true);
    const bad = configSchema.safeParse(
      { ...base, errorCodes: { codes: [{ code: " ", status: 700, extra: 1 }] } },
      { error: configErrorMap },
    );
    expect(bad.success).toBe(false);
    if (bad.success) return;
    expect(issuesToProblems(configSchema, bad.error.issues)).toEqual([
      "errorCodes.codes.0.code: must not be empty",
      "errorCodes.codes.0.status: must be at most 599, got 700",
      "errorCodes.codes.0.extra: unknown key (allowed: code, status, message, description, category)",
    ]);
  });
});
