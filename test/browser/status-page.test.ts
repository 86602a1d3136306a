/**
 * The status page in a real browser (issue 8): Debian's chromium, headless, driven by puppeteer-core
 * (which downloads nothing), against the built CLI tailing a log this test writes. It asserts what a
 * person sees at 1280×800 with JavaScript turned off (the page must not need it), and saves a
 * screenshot to .tmp/browser/. Without chromium the suite is skipped with a notice, unless CI=true.
 */
// biome-ignore-all lint/performance/useDomNodeTextContent: innerText is the text as a person sees it, which is what the test asserts.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanupCli, makeTempDir, REPO, spawnCli, waitReady } from "../helpers/cli-process.js";
import { findExecutable } from "../helpers/prometheus-binaries.js";
import { waitUntil } from "../helpers/wait.js";

// The callbacks below run in the page (so they call nothing of this module); the project's
// tsconfig has no DOM library, so they are typed with only what they use.
interface Shown {
  readonly innerText: string;
  readonly textContent: string | null;
  readonly classList: { contains(name: string): boolean };
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { left: number; right: number; width: number; height: number; toJSON(): Box };
  getBBox(): { height: number };
  querySelectorAll(selector: string): Iterable<Shown>;
}
interface Box {
  readonly left: number;
  readonly right: number;
  readonly width: number;
  readonly height: number;
}
declare const document: { documentElement: { scrollWidth: number } };
declare function getComputedStyle(element: unknown): { backgroundColor: string };

const CHROMIUM =
  findExecutable("chromium") ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
const skip = CHROMIUM === undefined && process.env.CI !== "true";
if (skip)
  console.warn("NOTICE: skipping the browser test: `chromium` is not on PATH (apt-get install chromium).");

const SHOTS = path.join(REPO, ".tmp", "browser");
const KEY = "LTAI5tAbCdEfGhIjKlMn0001";
const LONG_MESSAGE =
  "Specified signature is not matched with our calculation. server string to sign is:" +
  `GET&%2F&AccessKeyId%3D${KEY}%26Action%3DDescribeScalingGroups%26SignatureMethod%3DHMAC-SHA1` +
  " — this message goes on for a while so that it has to wrap inside its column rather than run off the screen".repeat(
    3,
  );

/** `count` error lines, a second apart from `start`, each with its own time in the line's prefix. */
function errorLines(count: number, start: number, code: string, message: string, status: number): string {
  let out = "";
  for (let i = 0; i < count; i++) {
    const time = new Date(start + i * 1000).toISOString();
    const body = {
      RequestId: `BR-${code}-${String(i).padStart(4, "0")}`,
      HostId: "ess.aliyuncs.com",
      Code: code,
      Message: message,
      statusCode: status,
    };
    out += `${time} ERROR ess-client call failed: ${JSON.stringify({ ...body, action: "DescribeScalingGroups" })}\n`;
  }
  return out;
}

describe.skipIf(skip)("the status page in headless chromium", () => {
  let browser: Browser;
  let page: Page;
  let url = "";
  let profile = "";

  beforeAll(async () => {
    if (CHROMIUM === undefined)
      throw new Error("chromium is required when CI=true (apt-get install chromium)");
    const dir = await makeTempDir("are-browser-");
    const logs = path.join(dir, "logs");
    await mkdir(logs);
    const t0 = Date.UTC(2026, 2, 8, 7, 41, 19);
    await writeFile(
      path.join(logs, "app.log"),
      errorLines(60, t0, "Throttling.User", "Request was denied due to user flow control.", 400) +
        errorLines(3, t0 + 90_000, "SignatureDoesNotMatch", LONG_MESSAGE, 400) +
        `${JSON.stringify({ RequestId: "BR-OK-1", TotalCount: 1 })}\n`,
    );
    const config = path.join(dir, "config.yaml");
    await writeFile(
      config,
      JSON.stringify({
        listen: "127.0.0.1:0",
        sources: [
          { name: "app", paths: [path.join(logs, "*.log")], startAt: "beginning", pollIntervalMs: 100 },
          { name: "missing", paths: [path.join(dir, "nothing-here", "*.log")] },
        ],
        recentErrors: { size: 200 },
      }),
    );
    const cli = spawnCli(["run", "--config", config], { cwd: dir });
    url = await cli.url();
    await waitReady(url);
    await waitUntil(
      "64 responses counted",
      async () => (await (await fetch(`${url}/api/v1/recent-errors`)).json()) as { errors: unknown[] },
      (r) => r.errors.length === 63,
    );

    profile = await mkdtemp(path.join(os.tmpdir(), "are-chromium-"));
    await mkdir(SHOTS, { recursive: true });
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${profile}`,
      ],
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    await page.setJavaScriptEnabled(false);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await cleanupCli();
    if (profile) await rm(profile, { recursive: true, force: true });
  }, 30_000);

  it("shows red for a source without files, the rates, a drawn chart and the top tables", async () => {
    await page.goto(`${url}/`, { waitUntil: "load" });
    await page.screenshot({ path: path.join(SHOTS, "status-page.png"), fullPage: false });
    await page.screenshot({ path: path.join(SHOTS, "status-page-full.png"), fullPage: true });

    const banner = await page.$eval("#state", (h) => ({
      text: h.textContent ?? "",
      background: getComputedStyle(h).backgroundColor,
    }));
    expect(banner.text).toContain("source missing matches no files");
    expect(banner.background).toBe("rgb(176, 0, 32)");

    const rates = await page.$$eval("#rates tbody tr", (rows) =>
      rows.map((r) => (r as unknown as Shown).innerText),
    );
    expect(rates).toHaveLength(3);
    // Everything was read within the last minute: 64 responses, 63 errors, 60 throttled.
    expect(rates[0]).toMatch(/^1 min.*\t64\t.*\t63\t98\.4 %\t60\t93\.8 %$/);

    const bars = await page.$$eval("#chart rect", (rects) =>
      rects.map((r) => ({
        cls: (r as unknown as Shown).getAttribute("class"),
        h: (r as unknown as Shown).getBBox().height,
      })),
    );
    expect(bars.filter((b) => b.cls === "r" && b.h > 0).length).toBeGreaterThan(0);
    expect(bars.filter((b) => b.cls === "t" && b.h > 0).length).toBeGreaterThan(0);
    const chart = await page.$eval("#chart", (svg) =>
      (svg as unknown as Shown).getBoundingClientRect().toJSON(),
    );
    expect(chart.width).toBeGreaterThan(300);
    expect(chart.right).toBeLessThanOrEqual(1280);

    const codes = await page.$$eval("#top-codes tbody tr", (rows) =>
      rows.map((r) => (r as unknown as Shown).innerText),
    );
    expect(codes).toEqual(["Throttling.User\t60", "SignatureDoesNotMatch\t3"]);
    const actions = await page.$eval("#top-actions tbody tr", (r) => (r as unknown as Shown).innerText);
    expect(actions).toBe("DescribeScalingGroups\t63\t63\t100.0 %");

    const sources = await page.$$eval("#sources tbody tr", (rows) =>
      rows.map((r) => ({
        text: (r as unknown as Shown).innerText,
        red: (r as unknown as Shown).classList.contains("bad"),
      })),
    );
    // Everything read: nothing behind.
    expect(sources[0]?.text).toMatch(/^app\t.*\t1\t0 B\t\d+ s ago\t/);
    expect(sources[0]?.red).toBe(false);
    expect(sources[1]?.text).toMatch(/^missing\t.*\t0[^\t]*\t0 B\tnever\t/);
    expect(sources[1]?.red).toBe(true);
  });

  it("shows each error's own time, ids and a masked message that wraps inside the screen", async () => {
    await page.goto(`${url}/`, { waitUntil: "load" });
    const first = await page.$eval("table.recent tbody tr", (tr) => {
      const cells = [...(tr as unknown as Shown).querySelectorAll("td")];
      const message = cells[4] as unknown as Shown;
      const box = message.getBoundingClientRect();
      return {
        time: (cells[0] as unknown as Shown).innerText,
        ids: (cells[3] as unknown as Shown).innerText,
        message: message.innerText,
        left: box.left,
        right: box.right,
        height: box.height,
        pageWidth: document.documentElement.scrollWidth,
      };
    });
    // Newest first: the last SignatureDoesNotMatch, written 92 s after the first line.
    expect(first.time).toBe("2026-03-08 07:42:51.000Z");
    expect(first.ids).toBe("BR-SignatureDoesNotMatch-0002\ness.aliyuncs.com");
    expect(first.message).toContain("server string to sign is:[redacted]");
    expect(first.message).not.toContain(KEY);
    // On screen, wrapped over several lines, and no horizontal scrolling.
    expect(first.left).toBeGreaterThan(0);
    expect(first.right).toBeLessThanOrEqual(1280);
    expect(first.height).toBeGreaterThan(40);
    expect(first.pageWidth).toBeLessThanOrEqual(1280);
  });

  it("filters by category and code with the form (no JavaScript), and pages through every kept error", async () => {
    await page.goto(`${url}/`, { waitUntil: "load" });
    expect(await page.$eval("#errors-count", (p) => p.textContent)).toBe(
      "63 of 63 kept errors · page 1 of 2",
    );
    await page.select('select[name="category"]', "auth_error");
    await Promise.all([
      page.waitForNavigation({ waitUntil: "load" }),
      page.click('#filter button[type="submit"]'),
    ]);
    expect(page.url()).toContain("category=auth_error");
    expect(await page.$eval("#errors-count", (p) => p.textContent)).toBe("3 of 63 kept errors match");
    const codes = await page.$$eval("table.recent tbody tr .code", (els) => els.map((e) => e.textContent));
    expect(codes).toEqual(["SignatureDoesNotMatch", "SignatureDoesNotMatch", "SignatureDoesNotMatch"]);

    await page.goto(`${url}/?code=Throttling.User`, { waitUntil: "load" });
    expect(await page.$eval("#errors-count", (p) => p.textContent)).toBe(
      "60 of 63 kept errors match · page 1 of 2",
    );
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(".pages a:last-child")]);
    const older = await page.$$eval("table.recent tbody tr .ids span:first-child", (els) =>
      els.map((e) => e.textContent),
    );
    expect(older).toHaveLength(10);
    expect(older[older.length - 1]).toBe("BR-Throttling.User-0000");
    expect(page.url()).toContain("code=Throttling.User");
    expect(page.url()).toContain("page=2");
  });
});
