import { describe, expect, it } from "vitest";
import { classifyName, FieldClass } from "../../../src/parsers/field-names.js";
import { scanJsonText } from "../../helpers/scan-text.js";

describe("log envelopes (DESIGN §3: a log record is not a response)", () => {
  it("takes the nested body, not the envelope's own request id", () => {
    const { parsed } = scanJsonText(
      '{"level":50,"time":1764576000000,"requestId":"app-1","msg":"x","err":{"data":{"RequestId":"ALI-1","Code":"Throttling.User"}}}',
    );
    expect(parsed?.requestId).toBe("ALI-1");
    expect(parsed?.code).toBe("Throttling.User");
  });

  it("an envelope without a nested body is a response only with a HostId", () => {
    expect(
      scanJsonText('{"level":30,"time":1,"requestId":"app-2","msg":"request completed"}').parsed,
    ).toBeNull();
    expect(scanJsonText('{"level":30,"time":1,"requestId":"app-2","code":"X","msg":"m"}').parsed).toBeNull();
    const { parsed } = scanJsonText(
      '{"level":40,"ts":1.5,"RequestId":"R","HostId":"ecs.aliyuncs.com","Code":"X"}',
    );
    expect(parsed?.requestId).toBe("R");
    expect(parsed?.logTime).toBe(1.5);
  });

  it("one logger-like member does not make an envelope; PascalCase names are no logger's", () => {
    expect(scanJsonText('{"RequestId":"R1","time":"2026-12-01T08:00:00Z"}').parsed?.requestId).toBe("R1");
    expect(scanJsonText('{"RequestId":"R2","Timestamp":"t","Level":"High"}').parsed?.requestId).toBe("R2");
    expect(classifyName("Level")).toBe(FieldClass.None);
    expect(classifyName("@timestamp")).toBe(FieldClass.Time);
    expect(classifyName("msg")).toBe(FieldClass.Envelope);
  });

  it("exposes the envelope's raw time member as logTime (nearest ancestor that has one)", () => {
    const pino = scanJsonText('{"level":50,"time":1764576000000,"msg":"x","err":{"data":{"RequestId":"A"}}}');
    expect(pino.parsed?.logTime).toBe(1764576000000);
    const logback = scanJsonText(
      '{"@timestamp":"2026-12-01T16:00:00.123+08:00","level":"ERROR","response":{"RequestId":"B"}}',
    );
    expect(logback.parsed?.logTime).toBe("2026-12-01T16:00:00.123+08:00");
    const nearest = scanJsonText('{"time":"outer","level":"x","res":{"ts":7,"body":{"RequestId":"C"}}}');
    expect(nearest.parsed?.logTime).toBe(7);
    expect(scanJsonText('{"RequestId":"D","time":"t"}').parsed?.logTime).toBeNull();
  });

  it('keeps a request id member whose value is "" (the member is present)', () => {
    expect(scanJsonText('{"RequestId":"","Code":"Throttling"}').parsed?.requestId).toBe("");
    expect(scanJsonText('{"RequestId":null,"Code":"Throttling"}').parsed).toBeNull();
  });
});
