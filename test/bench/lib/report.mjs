/**
 * The bench's markdown report: one row per corpus (file on two threads, stdin on one, mtail, the
 * line-split floor), the start-up rows, the targets of issues 2 and 10 marked met / not met, and
 * every mismatch with the ground truth. All times are medians of the runs.
 */

const fmt = (x, digits = 1) =>
  x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(digits);
const rate = (amount, ms) => amount / (ms / 1000);
const secs = (ms) => fmt(ms / 1000, 2);

/**
 * The time of a container corpus over (a)'s — the same bodies, so (a)'s MiB/s over its MiB/s of
 * bodies — as the median of the round-by-round ratios (the runner goes over the corpora in turn
 * in each round, so each pair ran under the same load).
 */
function pairedRatio(r, a, tool) {
  const ours = r[tool].timesMs;
  const base = a[tool].timesMs;
  const n = Math.min(ours.length, base.length);
  const ratios = [];
  for (let i = 0; i < n; i++) ratios.push(ours[i] / base[i]);
  const s = ratios.sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The rows of the container corpora, each with its cost over (a) on one thread and on two. */
function decoderRows(report, MiB) {
  const a = report.results.find((r) => r.id === "a");
  if (!a) return [];
  const bodiesMiB = a.bytes / MiB;
  return report.results
    .filter((r) => r.id === "f" || r.id === "g")
    .map((r) => ({
      r,
      stdinRatio: pairedRatio(r, a, "stdin"),
      fileRatio: pairedRatio(r, a, "file2"),
      stdinBodies: rate(bodiesMiB, r.stdin.medianMs),
      aStdin: rate(bodiesMiB, a.stdin.medianMs),
    }));
}

/** Derived figures of one result row: speeds in MiB/s, ratios as "times mtail's speed". */
function figures(r, MiB) {
  const sizeMiB = r.bytes / MiB;
  const file = rate(sizeMiB, r.file2.medianMs);
  const stdin = rate(sizeMiB, r.stdin.medianMs);
  const mtail = r.mtail ? rate(sizeMiB, r.mtail.medianMs) : null;
  const floor = rate(sizeMiB, r.floor.medianMs);
  return {
    sizeMiB,
    file,
    stdin,
    mtail,
    floor,
    fileRatio: mtail ? file / mtail : null,
    stdinRatio: mtail ? stdin / mtail : null,
    stdinOfFloor: stdin / floor,
  };
}

/** The targets, each with what was measured and whether it is met. */
function targets(report, MiB) {
  const by = Object.fromEntries(report.results.map((r) => [r.id, { r, f: figures(r, MiB) }]));
  const start = report.startup.find((s) => s.what.startsWith("`analyze"));
  const out = [];
  const add = (name, id, check) => {
    const row = id === null ? {} : by[id];
    if (!row) return out.push([name, "not run", "not measured"]);
    const [measured, met] = check(row.r, row.f);
    out.push([name, measured, met === null ? "not measured" : met ? "met" : "not met"]);
  };
  for (const s of report.startup.filter((x) => x.ratio !== null)) {
    add(`start-up, ${s.what}: ≤ 1.4× bare node`, null, () => [
      `${secs(s.oursMs)} s vs ${secs(s.bareMs)} s, ${fmt(s.ratio, 2)}×`,
      s.ratio <= 1.4,
    ]);
  }
  add("NDJSON file ≥ 3× mtail (50 MiB), ≥ 5× (200 MiB)", "a", (_r, f) => {
    const goal = f.sizeMiB >= 150 ? 5 : 3;
    return [
      `${fmt(f.fileRatio, 2)}× mtail (goal ${goal}× at ${fmt(f.sizeMiB, 0)} MiB)`,
      f.fileRatio && f.fileRatio >= goal,
    ];
  });
  add("NDJSON one thread ≥ 250 MiB/s (≥ 3.8× mtail)", "a", (_r, f) => [
    `${fmt(f.stdin)} MiB/s, ${fmt(f.stdinRatio, 2)}× mtail`,
    f.stdin >= 250,
  ]);
  add("NDJSON one thread at 35–45% of the line-split floor", "a", (_r, f) => [
    `${fmt(100 * f.stdinOfFloor, 0)}% (floor ${fmt(f.floor, 0)} MiB/s)`,
    f.stdinOfFloor >= 0.35,
  ]);
  add("XML per line ≥ 2.5× mtail", "c", (_r, f) => [
    `${fmt(f.file)} MiB/s, ${fmt(f.fileRatio, 2)}× mtail`,
    f.fileRatio === null ? null : f.fileRatio >= 2.5,
  ]);
  add("pretty JSON ≥ 100 MiB/s after start-up", "d", (r, f) => {
    const ms = r.file2.medianMs - (start?.oursMs ?? 0);
    const speed = rate(f.sizeMiB, ms);
    return [`${fmt(speed)} MiB/s (${fmt(f.file)} with start-up)`, start ? speed >= 100 : null];
  });
  add("100 MiB body: peak RSS ≤ 150 MiB", "e", (r, f) => [
    `${fmt(r.file2.peakRssMiB)} MiB peak RSS (body ${fmt(f.sizeMiB)} MiB)`,
    r.file2.peakRssMiB === null ? null : r.file2.peakRssMiB <= 150,
  ]);
  // (f) and (g) hold (a)'s bodies: the time over (a)'s is what decoding the runtime's records costs.
  const decoders = decoderRows(report, MiB);
  for (const id of ["f", "g"]) {
    add(`${id === "f" ? "CRI" : "json-file"} decoder costs < 30% vs (a), one thread`, id, () => {
      const d = decoders.find((x) => x.r.id === id);
      if (!d) return ["(a) not run", null];
      const cost = d.stdinRatio - 1;
      return [`${fmt(100 * cost)}% (${fmt(d.stdinBodies)} MiB/s of bodies, paired)`, cost < 0.3];
    });
  }
  return out;
}

function exactness(r) {
  const yes = (x) => (x ? "yes" : "NO");
  return `${yes(r.exact.file)}/${yes(r.exact.stdin)}${r.mtail ? ` (mtail ${yes(r.exact.mtail)})` : ""}`;
}

export function printReport(report, MiB) {
  const lines = [];
  lines.push(
    `Bench ${report.date}: scale ${report.scale}, medians of ${report.runs} runs, seed ${report.seed}, node ${process.version}`,
  );
  if (report.scale !== 1) {
    lines.push(
      "",
      `> Scale ${report.scale}: the targets are defined for the full corpus (scale 1); on small files process start-up dominates.`,
    );
  }
  lines.push(
    "",
    "file = `analyze --json FILE` (two threads from 32 MiB); stdin = `analyze --json - < FILE` (one thread);",
    "×mtail = our speed over mtail's; floor = the line-split floor (stdin, Buffer#indexOf, nothing else).",
    "",
    "| corpus | MiB | file s | file MiB/s | file RSS | stdin s | stdin MiB/s | stdin RSS | mtail s | mtail RSS | file ×mtail | stdin ×mtail | floor MiB/s | stdin / floor | exact file/stdin |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  );
  for (const r of report.results) {
    const f = figures(r, MiB);
    lines.push(
      `| ${r.title} | ${fmt(f.sizeMiB)} | ${secs(r.file2.medianMs)} | ${fmt(f.file)} | ${fmt(r.file2.peakRssMiB)} | ` +
        `${secs(r.stdin.medianMs)} | ${fmt(f.stdin)} | ${fmt(r.stdin.peakRssMiB)} | ` +
        `${r.mtail ? secs(r.mtail.medianMs) : "n/a"} | ${fmt(r.mtail?.peakRssMiB)} | ${fmt(f.fileRatio, 2)} | ` +
        `${fmt(f.stdinRatio, 2)} | ${fmt(f.floor, 0)} | ${fmt(100 * f.stdinOfFloor, 0)}% | ${exactness(r)} |`,
    );
  }
  const huge = report.results.find((r) => r.items !== null);
  if (huge) {
    lines.push(
      "",
      `(e) is one document of ${huge.items} items: ${fmt(rate(huge.items, huge.file2.medianMs), 0)} items/s.`,
    );
  }
  const decoders = decoderRows(report, MiB);
  if (decoders.length > 0) {
    lines.push(
      "",
      "Container corpora vs (a), the same bodies: MiB/s of bodies, and time over (a)'s (median of the round-by-round ratios).",
      "",
      "| corpus | MiB of records | stdin MiB/s of bodies | (a) stdin MiB/s | × (a)'s time, stdin | × (a)'s time, file | exact file/stdin |",
      "|---|---:|---:|---:|---:|---:|---|",
    );
    for (const d of decoders) {
      lines.push(
        `| ${d.r.title} | ${fmt(d.r.bytes / MiB)} | ${fmt(d.stdinBodies)} | ${fmt(d.aStdin)} | ` +
          `${fmt(d.stdinRatio, 2)} | ${fmt(d.fileRatio, 2)} | ${exactness(d.r)} |`,
      );
    }
  }
  if (report.missing.length > 0) lines.push("", `Not in the corpus (skipped): ${report.missing.join(", ")}.`);
  if (report.startup.length > 0) {
    lines.push(
      "",
      "| start-up (nothing to read) | s | bare `node -e 0` s | ratio (median of pairs) |",
      "|---|---:|---:|---:|",
    );
    for (const s of report.startup) {
      const failed = s.failed ? ` (${s.failed} runs failed)` : "";
      lines.push(
        `| ${s.what} | ${secs(s.oursMs)} | ${s.bareMs === null ? "" : secs(s.bareMs)} | ${s.ratio === null ? "" : `${fmt(s.ratio, 2)}×`}${failed} |`,
      );
    }
  }
  lines.push("", "| target | measured | result |", "|---|---|---|");
  for (const [name, measured, met] of targets(report, MiB)) lines.push(`| ${name} | ${measured} | ${met} |`);
  if (report.mismatches.length > 0) {
    lines.push(
      "",
      "NOT EXACT — mismatches with truth.json:",
      "",
      "| corpus | tool | field | expected | got |",
      "|---|---|---|---|---|",
    );
    for (const m of report.mismatches)
      lines.push(`| ${m.corpus} | ${m.tool} | ${m.field} | ${m.expected} | ${m.got} |`);
  } else {
    lines.push("", "All results exact (every run of every tool matched `truth.json`).");
  }
  console.log(lines.join("\n"));
}
