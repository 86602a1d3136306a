import { describe, expect, it } from "vitest";
import { maskKeyId, redactor, redactSecrets } from "../../../src/core/redact.js";

const KEY = "LTAI5tAbCdEfGhIjKlMn0001";
const STS_KEY = "STS.NUgYrLnoC37mZZCNnAbez2E83";
const TOKEN = `CAIS${"xY9+/aB3".repeat(40)}Gg==`;

describe("redactSecrets with the message shapes Alibaba Cloud returns", () => {
  it("masks the whole RPC string to sign of SignatureDoesNotMatch, keeping the text around it", () => {
    const msg =
      "Specified signature is not matched with our calculation. server string to sign is:" +
      `GET&%2F&AccessKeyId%3D${KEY}%26Action%3DDescribeInstances%26Format%3DJSON%26RegionId%3Dcn-hangzhou` +
      `%26SecurityToken%3D${encodeURIComponent(TOKEN)}%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8` +
      "%26SignatureVersion%3D1.0%26Timestamp%3D2024-05-01T10%253A00%253A00Z%26Version%3D2014-05-26 request id: 5E8B-1";
    const out = redactSecrets(msg);
    expect(out).toBe(
      "Specified signature is not matched with our calculation. server string to sign is:[redacted] request id: 5E8B-1",
    );
  });

  it("masks a multi-line ROA / V3 string to sign to the end", () => {
    const msg =
      "Specified signature is not matched with our calculation. server string to sign is:POST\napplication/json\n" +
      `x-acs-signature-method:HMAC-SHA1\nx-acs-security-token:${TOKEN}\n/clusters`;
    expect(redactSecrets(msg)).toBe(
      "Specified signature is not matched with our calculation. server string to sign is:[redacted]",
    );
    const v3 =
      "The request signature does not conform to Aliyun standards. server string to sign is:ACS3-HMAC-SHA256\n7e4a";
    expect(redactSecrets(v3)).toBe(
      "The request signature does not conform to Aliyun standards. server string to sign is:[redacted]",
    );
  });

  it("keeps AccessKey ids recognisable: LTAI5t…0001, STS.NU…2E83", () => {
    expect(redactSecrets(`Specified access key is not found. AccessKeyId: ${KEY}`)).toBe(
      "Specified access key is not found. AccessKeyId: LTAI5t…0001",
    );
    expect(redactSecrets(`The AccessKeyId ${STS_KEY} is invalid.`)).toBe(
      "The AccessKeyId STS.NU…2E83 is invalid.",
    );
    expect(redactSecrets(`url?AccessKeyId%3D${KEY}%26x`)).toBe("url?AccessKeyId%3DLTAI5t…0001%26x");
    expect(maskKeyId(KEY)).toBe("LTAI5t…0001");
  });

  it("masks security tokens: SecurityToken=, JSON members, headers, a bare STS token", () => {
    expect(redactSecrets(`Specified SecurityToken is expired. SecurityToken=${TOKEN}&Action=x`)).toBe(
      "Specified SecurityToken is expired. SecurityToken=[redacted]&Action=x",
    );
    expect(redactSecrets(`{"SecurityToken":"${TOKEN}","x":1}`)).toBe('{"SecurityToken":"[redacted]","x":1}');
    expect(redactSecrets(`x-acs-security-token: ${TOKEN}`)).toBe("x-acs-security-token: [redacted]");
    expect(redactSecrets(`token was ${TOKEN} here`)).toBe("token was [redacted] here");
  });

  it("masks signatures (query, XML, JSON) but not words that merely start with Signature", () => {
    expect(redactSecrets("GET /?Signature=Ab%2Bcd%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=42")).toBe(
      "GET /?Signature=[redacted]&SignatureMethod=HMAC-SHA1&SignatureNonce=42",
    );
    expect(redactSecrets("<SignatureProvided>YWJj</SignatureProvided>")).toBe(
      "<SignatureProvided>[redacted]</SignatureProvided>",
    );
    expect(redactSecrets('"Signature": "0xdeadbeef"')).toBe('"Signature": "[redacted]"');
    const plain = "The request signature we calculated does not match the signature you provided.";
    expect(redactSecrets(plain)).toBe(plain);
  });

  it("masks Authorization values and keeps the scheme", () => {
    expect(redactSecrets(`Authorization: acs ${KEY}:kRA2cnpJVacIhDMzXnoNZG9tDCI=\nDate: x`)).toBe(
      "Authorization: acs [redacted]\nDate: x",
    );
    expect(
      redactSecrets(
        `'Authorization': 'ACS3-HMAC-SHA256 Credential=${KEY},SignedHeaders=host,Signature=4f0a'`,
      ),
    ).toBe("'Authorization': 'ACS3-HMAC-SHA256 [redacted]'");
    expect(redactSecrets(`RespHeaders: map[Authorization:[OSS ${KEY}:c2ln]]`)).toBe(
      "RespHeaders: map[Authorization:[OSS [redacted]]]",
    );
  });

  it("masks the string to sign in an OSS XML message and AccessKey secrets", () => {
    expect(redactSecrets("<StringToSign>PUT\n\nimage/jpeg\n/bucket/cat.jpg</StringToSign>")).toBe(
      "<StringToSign>[redacted]</StringToSign>",
    );
    expect(redactSecrets("access_key_secret=abc123XYZ done")).toBe("access_key_secret=[redacted] done");
  });

  it("returns the same string when there is nothing to mask", () => {
    const msg = "Request was denied due to user flow control.";
    expect(redactSecrets(msg)).toBe(msg);
    expect(redactSecrets("Specified SecurityToken is expired.")).toBe("Specified SecurityToken is expired.");
  });

  it("is turned off by redact: false", () => {
    expect(redactor(false)(`key ${KEY}`)).toBe(`key ${KEY}`);
    expect(redactor(true)(`key ${KEY}`)).toBe("key LTAI5t…0001");
  });
});

describe("redactSecrets in bounded time", () => {
  it("masks a 1 MB message with long runs of blanks after every keyword in well under a second", () => {
    const blanks = " ".repeat(200_000);
    // Blanks between a keyword and what must follow it, where a pattern could backtrack.
    const text = `string to sign is${blanks}> Authorization${blanks}: y SecurityToken${blanks}x ${"LTAI".repeat(50_000)}`;
    const started = Date.now();
    redactSecrets(text);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
