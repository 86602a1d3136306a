import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CHECKPOINT_FILE,
  CheckpointStore,
  type FileIdentity,
  fingerprint,
} from "../../../src/sources/checkpoints.js";
import { tempDir } from "../../helpers/tail-harness.js";
import { waitUntil } from "../../helpers/wait.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir("tail-ck-"));
});
afterEach(() => cleanup());

const id = (ino: number, head: string): FileIdentity => ({
  dev: 2049n,
  ino: BigInt(ino),
  head: Buffer.from(head),
});

async function loaded(hooks = {}): Promise<CheckpointStore> {
  const s = new CheckpointStore(join(dir, "ck"), hooks);
  await s.load();
  return s;
}

describe("CheckpointStore", () => {
  it("starts empty without a file, and round-trips offsets through a new instance", async () => {
    const a = await loaded();
    expect(a.hasSource("app")).toBe(false);
    a.set("app", id(7, "first line\n"), 11, "/l/a.log");
    expect(await a.flush()).toBe(true);
    const b = await loaded();
    expect(b.hasSource("app")).toBe(true);
    expect(b.get("app", id(7, "first line\nsecond"))).toBe(11);
    expect(b.get("other", id(7, "first line\n"))).toBeUndefined();
  });

  it("keeps a source that ran with no files, so its next start reads new files from 0", async () => {
    const a = await loaded();
    a.addSource("empty");
    await a.flush();
    expect((await loaded()).hasSource("empty")).toBe(true);
  });

  it("tells a reused inode with other first bytes from the file it stored", async () => {
    const s = await loaded();
    s.set("app", id(7, "2024-01-01 old file\n"), 20, "/l/a.log");
    expect(s.get("app", id(7, "2024-01-01 old file\nmore"))).toBe(20);
    expect(s.get("app", id(7, "2024-06-30 new file\n"))).toBeUndefined();
    expect(s.get("app", id(7, "2024"))).toBeUndefined(); // shorter than what was fingerprinted
    expect(s.get("app", id(8, "2024-01-01 old file\n"))).toBeUndefined();
  });

  it("fingerprints a small file by the bytes it had, so growth past them still matches", async () => {
    const s = await loaded();
    s.set("app", id(1, "ab"), 2, "/l/a.log");
    const entry = s.entries("app").get("2049:1");
    expect(entry).toEqual({
      fingerprint: fingerprint(Buffer.from("ab")),
      fingerprintBytes: 2,
      offset: 2,
      path: "/l/a.log",
    });
    expect(s.get("app", id(1, `ab${"c".repeat(2000)}`.slice(0, 1024)))).toBe(2);
  });

  it("writes atomically: a complete file, no temp file left behind, nothing written when clean", async () => {
    const writes: boolean[] = [];
    const s = await loaded({ onCheckpointWrite: (ok: boolean) => writes.push(ok) });
    // A temp file left by a crash is neither read nor in the way.
    await writeFile(join(dir, "ck", `${CHECKPOINT_FILE}.tmp`), "{ torn");
    s.set("app", id(1, "x"), 1, "/l/a.log");
    await s.flush();
    await s.flush(); // clean: no write
    expect(writes).toEqual([true]);
    expect(await readdir(join(dir, "ck"))).toEqual([CHECKPOINT_FILE]);
    const doc = JSON.parse(await readFile(join(dir, "ck", CHECKPOINT_FILE), "utf8"));
    expect(doc).toEqual({
      version: 1,
      sources: {
        app: {
          files: {
            "2049:1": {
              fingerprint: fingerprint(Buffer.from("x")),
              fingerprintBytes: 1,
              offset: 1,
              path: "/l/a.log",
            },
          },
        },
      },
    });
  });

  it("replaces the file by rename (a reader never sees a partly written file)", async () => {
    const s = await loaded();
    s.set("app", id(1, "x"), 1, "/l/a.log");
    await s.flush();
    const before = await stat(join(dir, "ck", CHECKPOINT_FILE));
    s.set("app", id(1, "x"), 2, "/l/a.log");
    await s.flush();
    const after = await stat(join(dir, "ck", CHECKPOINT_FILE));
    expect(after.ino).not.toBe(before.ino);
  });

  it("serialises concurrent flushes and ends with the newest state", async () => {
    const s = await loaded();
    const flushes: Promise<boolean>[] = [];
    for (let i = 1; i <= 20; i++) {
      s.set("app", id(1, "x"), i, "/l/a.log");
      flushes.push(s.flush());
    }
    expect(await Promise.all(flushes)).toEqual(Array(20).fill(true));
    expect((await loaded()).get("app", id(1, "x"))).toBe(20);
  });

  it("reports a failed write and writes again at the next flush", async () => {
    const writes: [boolean, string | undefined][] = [];
    const s = await loaded({
      onCheckpointWrite: (ok: boolean, err?: Error) => writes.push([ok, err?.message]),
    });
    s.set("app", id(1, "x"), 1, "/l/a.log");
    await rm(join(dir, "ck"), { recursive: true });
    await writeFile(join(dir, "ck"), "a file where the directory was");
    expect(await s.flush()).toBe(false);
    await rm(join(dir, "ck"));
    expect(await s.flush()).toBe(true);
    expect(writes.map((w) => w[0])).toEqual([false, true]);
    expect(writes[0]?.[1]).toMatch(/EEXIST|ENOTDIR/);
  });

  it("reports a corrupt file and starts empty", async () => {
    const errors: Error[] = [];
    await (await loaded()).flush();
    await writeFile(
      join(dir, "ck", CHECKPOINT_FILE),
      '{"version": 1, "sources": {"app": {"files": {"1:2": {"offset": -1}}}}}',
    );
    const s = await loaded({ onLoadError: (e: Error) => errors.push(e) });
    expect(s.hasSource("app")).toBe(false);
    expect(errors[0]?.message).toMatch(/not a checkpoint file .*1:2 malformed/);
  });

  it("drops entries on delete and retain", async () => {
    const s = await loaded();
    s.set("app", id(1, "x"), 1, "/l/a.log");
    s.set("app", id(2, "y"), 1, "/l/b.log");
    s.set("app", id(3, "z"), 1, "/l/c.log");
    s.delete("app", id(1, "x"));
    s.retain("app", ["2049:2"]);
    expect([...s.entries("app").keys()]).toEqual(["2049:2"]);
  });

  it("flushes on its interval and at close", async () => {
    let writes = 0;
    const s = await loaded({ onCheckpointWrite: () => writes++ });
    s.startInterval(20);
    s.set("app", id(1, "x"), 1, "/l/a.log");
    await waitUntil("the interval write", () => writes === 1);
    s.set("app", id(1, "x"), 2, "/l/a.log");
    await s.close();
    expect(writes).toBe(2);
    expect((await loaded()).get("app", id(1, "x"))).toBe(2);
  });
});
