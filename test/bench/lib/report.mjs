/**
 * The bench's markdown report: one row per corpus, the issue-2 targets marked met / not met, and every
 * mismatch with the ground truth.
 */

const fmt = (x, digits = 1) =>
  x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(digits);
const rate = (amount, ms) => amount / (ms / 1000);

/** Derived figures of one result row. */
function figures(r, MiB) {
  const sizeMiB = r.bytes / MiB;
  const ours = rate(sizeMiB, r.ours.bestMs);
  const mtail = r.mtail ? rate(sizeMiB, r.mtail.bestMs) : null;
  return {
    sizeMiB,
    ours,
    mtail,
    ratio: mtail ? ours / mtail : null,
    recordsPerS: rate(r.responses, r.ours.bestMs),
  };
}

/** Issue 2's targets, each with what was measured and whether it is met. */
function targets(results, MiB) {
  const by = Object.fromEntries(results.map((r) => [r.id, { r, f: figures(r, MiB) }]));
  const out = [];
  const add = (name, id, check) => {
    const row = by[id];
    if (!row) return out.push([name, "not run", "not measured"]);
    const [measured, met] = check(row.r, row.f);
    out.push([name, measured, met === null ? "not measured" : met ? "met" : "not met"]);
  };
  add("NDJSON ≥ 3× mtail and ≥ ~200 MiB/s", "a", (_r, f) => [
    `${fmt(f.ours)} MiB/s, ${fmt(f.ratio, 2)}× mtail`,
    f.ratio === null ? null : f.ratio >= 3 && f.ours >= 200,
  ]);
  add("XML per line ≥ 2.5× mtail", "c", (_r, f) => [
    `${fmt(f.ours)} MiB/s, ${fmt(f.ratio, 2)}× mtail`,
    f.ratio === null ? null : f.ratio >= 2.5,
  ]);
  add("pretty JSON ≥ 60 MiB/s", "d", (_r, f) => [`${fmt(f.ours)} MiB/s`, f.ours >= 60]);
  // (f) and (g) hold (a)'s bodies: the time over (a)'s is what decoding the runtime's records costs.
  for (const id of ["f", "g"]) {
    add(`${id === "f" ? "CRI" : "json-file"} decoder costs < 30% vs (a)`, id, (r) => {
      const a = by.a?.r;
      if (!a) return ["(a) not run", null];
      const cost = r.ours.bestMs / a.ours.bestMs - 1;
      return [`${fmt(100 * cost)}% (${fmt(rate(a.bytes / MiB, r.ours.bestMs))} MiB/s of bodies)`, cost < 0.3];
    });
  }
  add("100 MiB body: peak RSS ≤ 150 MiB", "e", (r, f) => [
    `${fmt(r.ours.peakRssMiB)} MiB peak RSS (body ${fmt(f.sizeMiB)} MiB)`,
    r.ours.peakRssMiB === null ? null : r.ours.peakRssMiB <= 150,
  ]);
  return out;
}

export function printReport(report, MiB) {
  const lines = [];
  lines.push(
    `Bench ${report.date}: scale ${report.scale}, best of ${report.runs} runs, seed ${report.seed}, node ${process.version}`,
  );
  if (report.scale !== 1) {
    lines.push(
      "",
      `> Scale ${report.scale}: the targets are defined for the full corpus (scale 1); on small files process start-up dominates.`,
    );
  }
  lines.push(
    "",
    "| corpus | size MiB | ours MiB/s | records/s | peak RSS MiB | mtail MiB/s | mtail RSS MiB | ratio ours/mtail | exact | ours runs (ms) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
  );
  for (const r of report.results) {
    const f = figures(r, MiB);
    const exact = `${r.oursExact ? "yes" : "NO"}${r.mtail ? ` (mtail ${r.mtailExact ? "yes" : "NO"})` : ""}`;
    const runs = r.ours.timesMs.map((ms) => ms.toFixed(0)).join("/");
    lines.push(
      `| ${r.title} | ${fmt(f.sizeMiB)} | ${fmt(f.ours)} | ${fmt(f.recordsPerS, f.recordsPerS < 100 ? 2 : 0)} | ${fmt(r.ours.peakRssMiB)} | ` +
        `${fmt(f.mtail)} | ${fmt(r.mtail?.peakRssMiB)} | ${fmt(f.ratio, 2)} | ${exact} | ${runs} |`,
    );
  }
  const huge = report.results.find((r) => r.items !== null);
  if (huge) {
    lines.push(
      "",
      `(e) is one document of ${huge.items} items: ${fmt(rate(huge.items, huge.ours.bestMs), 0)} items/s.`,
    );
  }
  lines.push("", "| target | measured | result |", "|---|---|---|");
  for (const [name, measured, met] of targets(report.results, MiB))
    lines.push(`| ${name} | ${measured} | ${met} |`);
  if (report.mismatches.length > 0) {
    lines.push(
      "",
      "NOT EXACT — mismatches with truth.json:",
      "",
      "| corpus | tool | field | expected | got |",
    );
    lines.push("|---|---|---|---|---|");
    for (const m of report.mismatches)
      lines.push(`| ${m.corpus} | ${m.tool} | ${m.field} | ${m.expected} | ${m.got} |`);
  } else {
    lines.push("", "All results exact (every run of every tool matched truth.json).");
  }
  console.log(lines.join("\n"));
}
