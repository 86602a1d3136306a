/** How failures reach the user (README "Commands", exit codes): usage 2, known 1 in one line, else a stack. */
import { describe, expect, it } from "vitest";
import { describeFailure } from "../../../src/cli/failures.js";
import { UsageError } from "../../../src/core/errors.js";

const errno = (code: string, fields: object) =>
  Object.assign(new Error(`${code} raw message`), { code, ...fields });

describe("describeFailure", () => {
  it("prints a usage error with its problems, exit 2", () => {
    expect(describeFailure(new UsageError("invalid configuration (2 problems)", ["a: x", "b: y"]))).toEqual({
      text: "aliyun-response-exporter: invalid configuration (2 problems)\n  a: x\n  b: y\n",
      exitCode: 2,
    });
  });

  it.each([
    [
      errno("EADDRINUSE", { syscall: "listen", address: "0.0.0.0", port: 9787 }),
      "cannot listen on 0.0.0.0:9787: address already in use",
    ],
    [
      errno("EACCES", { syscall: "listen", address: "0.0.0.0", port: 80 }),
      "cannot listen on 0.0.0.0:80: permission denied",
    ],
    [
      errno("ENOTFOUND", { syscall: "getaddrinfo", hostname: "nohost", port: 9787 }),
      "cannot listen on nohost:9787: unknown host",
    ],
    [
      errno("EACCES", { syscall: "open", path: "/var/log/app/a.log" }),
      "cannot open /var/log/app/a.log: permission denied",
    ],
    [
      errno("ENOENT", { syscall: "open", path: "/etc/x.yaml" }),
      "cannot open /etc/x.yaml: no such file or directory",
    ],
  ])("prints a known failure in one line without a stack, exit 1", (err, line) => {
    expect(describeFailure(err)).toEqual({ text: `aliyun-response-exporter: ${line}\n`, exitCode: 1 });
  });

  it("keeps the stack of anything else (a bug), exit 1", () => {
    const bug = new TypeError("cannot read properties of undefined");
    const { text, exitCode } = describeFailure(bug);
    expect(exitCode).toBe(1);
    expect(text).toContain("TypeError: cannot read properties of undefined\n    at ");
  });
});
