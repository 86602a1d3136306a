import type { Totals } from "../../metrics/history.js";
import { escapeHtml } from "./html.js";

const WIDTH = 540;
const HEIGHT = 130;
const LEFT = 44;
const BOTTOM = 20;
const TOP = 8;

/**
 * Responses, errors and throttled responses per minute as an inline SVG (no script, no external
 * asset): one bar group per minute, responses grey with errors red and throttling amber over them.
 */
export function minuteChart(minutes: readonly Totals[]): string {
  const n = minutes.length;
  const max = Math.max(1, ...minutes.map((m) => m.responses));
  const plotW = WIDTH - LEFT - 4;
  const plotH = HEIGHT - BOTTOM - TOP;
  const slot = plotW / Math.max(1, n);
  const barW = Math.max(1, slot - 1);
  const y = (v: number) => TOP + plotH - (v / max) * plotH;
  const bars: string[] = [];
  minutes.forEach((m, i) => {
    const x = (LEFT + i * slot).toFixed(1);
    const title = `${hhmm(m.t)}: ${m.responses} responses, ${m.errors} errors, ${m.throttled} throttled`;
    const bar = (cls: string, v: number) =>
      v <= 0
        ? ""
        : `<rect class="${cls}" x="${x}" y="${y(v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(TOP + plotH - y(v)).toFixed(1)}"/>`;
    bars.push(
      `<g><title>${escapeHtml(title)}</title>${bar("r", m.responses)}${bar("e", m.errors)}${bar("t", m.throttled)}</g>`,
    );
  });
  const first = minutes[0];
  const axis =
    `<line class="axis" x1="${LEFT}" y1="${TOP + plotH}" x2="${WIDTH - 4}" y2="${TOP + plotH}"/>` +
    `<text x="${LEFT - 4}" y="${TOP + 10}" text-anchor="end">${max}</text>` +
    `<text x="${LEFT - 4}" y="${TOP + plotH}" text-anchor="end">0</text>` +
    (first === undefined
      ? ""
      : `<text x="${LEFT}" y="${HEIGHT - 4}">${hhmm(first.t)} (${n} min ago)</text>` +
        `<text x="${WIDTH - 4}" y="${HEIGHT - 4}" text-anchor="end">now</text>`);
  return (
    `<svg id="chart" role="img" aria-label="Responses, errors and throttling per minute, last hour" ` +
    `viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}">${axis}${bars.join("")}</svg>`
  );
}

/** `11:22Z`: the chart's times are UTC, as the recent errors' are. */
function hhmm(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)}Z`;
}
