import { describe, expect, it } from "vitest";
import { wantsOpenMetrics } from "../../../src/server/content-negotiation.js";

describe("wantsOpenMetrics (Accept header of a scrape)", () => {
  it.each([
    // Prometheus 2.x default scrape.
    [
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
      true,
    ],
    // Prometheus 3.x with UTF-8 escaping parameters.
    [
      "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2",
      true,
    ],
    ["Application/OpenMetrics-Text; version=1.0.0", true],
    ["application/openmetrics-text, */*", true],
    [undefined, false],
    ["", false],
    ["*/*", false],
    ["text/plain;version=0.0.4", false],
    ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false],
    ["text/plain, application/openmetrics-text;q=0.5", false],
    ["application/openmetrics-text;q=0", false],
    ["application/openmetrics-text;q=abc", false],
    [";;,,application/openmetrics-text;;q=0.9,", true],
  ])("%s → %s", (accept, expected) => {
    expect(wantsOpenMetrics(accept)).toBe(expected);
  });
});
