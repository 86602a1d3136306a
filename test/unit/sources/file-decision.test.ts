/**
 * The file source's decision, as a table: what one look at a followed file saw → the step. Each
 * row is one transition of the state table on `decide`'s doc comment (src/sources/file-decision.ts).
 */
import { describe, expect, it } from "vitest";
import { decide, type FileLook, type FileRules, type FileStep } from "../../../src/sources/file-decision.js";

const MiB = 1024 * 1024;
const NOW = 10_000;
const RULES: FileRules = { rotateWaitMs: 1000, partialLineTimeoutMs: 500 };

/** A followed file read to its end (offset = size = 100), last grown a second ago. */
const FOLLOWED: FileLook = {
  now: NOW,
  linked: true,
  deleted: false,
  size: 100,
  changed: false,
  headChanged: false,
  offset: 100,
  pendingBytes: 0,
  orphanedAt: undefined,
  lastGrowthAt: NOW - 1000,
  budgetBytes: MiB,
  stopping: false,
};
const ORPHANED: Partial<FileLook> = { linked: false, orphanedAt: NOW - 2000, lastGrowthAt: NOW - 3000 };
const KEEP: FileStep = { truncated: false, orphanedAt: undefined, readBytes: 0, flush: false, release: null };

type Row = [name: string, seen: Partial<FileLook>, step: Partial<FileStep>, rules?: Partial<FileRules>];

const table: Row[] = [
  // FOLLOWED
  ["followed, nothing new: wait", {}, {}],
  ["followed, grew: read what was appended", { size: 150, changed: true }, { readBytes: 50 }],
  [
    "followed, grew past the budget: read the budget",
    { size: 100 + 3 * MiB, changed: true },
    { readBytes: MiB },
  ],
  [
    "shorter than the offset: truncated, read from 0",
    { size: 40, changed: true },
    { truncated: true, readBytes: 40 },
  ],
  [
    "first bytes changed under an offset past them: truncated and regrown",
    { size: 200, changed: true, headChanged: true },
    { truncated: true, readBytes: 200 },
  ],
  [
    "first bytes changed at offset 0: not a truncation (nothing read yet)",
    { offset: 0, size: 10, changed: true, headChanged: true },
    { readBytes: 10 },
  ],
  [
    "checkpoint past the size found at the start: truncated while stopped",
    { offset: 500, size: 100, changed: true, pendingBytes: 0 },
    { truncated: true, readBytes: 100 },
  ],
  [
    "partial line idle for partialLineTimeoutMs: flush",
    { pendingBytes: 5, lastGrowthAt: NOW - 500 },
    { flush: true },
  ],
  ["partial line idle 1 ms short: keep it", { pendingBytes: 5, lastGrowthAt: NOW - 499 }, {}],
  [
    "partial line, and bytes came: read, no flush",
    { pendingBytes: 5, lastGrowthAt: 0, size: 150, changed: true },
    { readBytes: 50 },
  ],
  [
    "truncated with a partial line idle long enough: the truncation ends it, no flush",
    { pendingBytes: 5, lastGrowthAt: 0, size: 0, changed: true },
    { truncated: true },
  ],
  // FOLLOWED → ORPHANED → RELEASED
  ["no path leads to it: orphaned now, kept", { linked: false }, { orphanedAt: NOW }],
  [
    "just orphaned with rotateWaitMs 0, read to its end: released at once",
    { linked: false, size: 150, changed: true },
    { orphanedAt: NOW, readBytes: 50, release: "rotated" },
    { rotateWaitMs: 0 },
  ],
  [
    "orphaned, quiet for rotateWaitMs: released as rotated",
    ORPHANED,
    { orphanedAt: NOW - 2000, release: "rotated" },
  ],
  [
    "orphaned and no link left: released as deleted",
    { ...ORPHANED, deleted: true },
    { orphanedAt: NOW - 2000, release: "deleted" },
  ],
  [
    "orphaned 1 ms short of rotateWaitMs: kept",
    { ...ORPHANED, orphanedAt: NOW - 999 },
    { orphanedAt: NOW - 999 },
  ],
  [
    "orphaned long ago but grew lately: kept",
    { ...ORPHANED, lastGrowthAt: NOW - 999 },
    { orphanedAt: NOW - 2000 },
  ],
  [
    "orphaned, quiet long enough, but it grew now: read, kept",
    { ...ORPHANED, size: 150, changed: true },
    { orphanedAt: NOW - 2000, readBytes: 50 },
  ],
  [
    "orphaned with rotateWaitMs 0 but more than the budget left: read, not released",
    { ...ORPHANED, size: 100 + 2 * MiB, changed: true },
    { orphanedAt: NOW - 2000, readBytes: MiB },
    { rotateWaitMs: 0 },
  ],
  // ORPHANED → FOLLOWED
  ["a path leads to it again: followed", { orphanedAt: NOW - 2000, lastGrowthAt: NOW - 3000 }, {}],
  // Stopping
  [
    "stopping, followed: released as stopped, nothing read",
    { stopping: true, size: 150, changed: true },
    { release: "stopped" },
  ],
  [
    "stopping, followed and truncated: the truncation is noticed",
    { stopping: true, size: 40, changed: true },
    { truncated: true, release: "stopped" },
  ],
  [
    "stopping, followed, partial line idle: flushed",
    { stopping: true, pendingBytes: 5, lastGrowthAt: 0 },
    { flush: true, release: "stopped" },
  ],
  [
    "stopping, just orphaned: read to its end and released without the wait",
    { stopping: true, linked: false, size: 150, changed: true },
    { orphanedAt: NOW, readBytes: 50, release: "rotated" },
  ],
  [
    "stopping, orphaned, more than the budget left: read on",
    { ...ORPHANED, stopping: true, size: 100 + 2 * MiB, changed: true },
    { orphanedAt: NOW - 2000, readBytes: MiB },
  ],
];

describe("decide: the file source's decision at one look", () => {
  it.each(table)("%s", (_name, seen, step, rules = {}) => {
    expect(decide({ ...FOLLOWED, ...seen }, { ...RULES, ...rules })).toEqual({ ...KEEP, ...step });
  });
});
