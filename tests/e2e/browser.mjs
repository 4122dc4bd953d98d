// Headless Chromium via playwright-core (Debian's chromium; never a downloaded browser), and a
// page wrapper that collects every console error, failed request and off-site request.
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
}

/** Opens a page that records problems; `problems()` lists them, empty when all is well. */
export async function openPage(browser, { width = 1280, height = 800, colorScheme = "light", reducedMotion = "no-preference" } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme, reducedMotion });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => errors.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) => {
    // A request cut off because the test navigated away (a reload mid-load) is not a failure;
    // HTTP errors are still caught below.
    if (req.failure()?.errorText === "net::ERR_ABORTED") return;
    errors.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (!["127.0.0.1", "localhost"].includes(url.hostname) && !["data:", "blob:"].includes(url.protocol)) {
      errors.push(`third-party request: ${req.url()}`);
    }
  });
  return { page, context, problems: () => errors.slice(), close: () => context.close() };
}

/** Waits for the app to mount (the boot screen gone, the header drawn). */
export async function waitForApp(page) {
  await page.waitForSelector(".app main", { timeout: 30_000 });
  await page.waitForFunction(() => !document.getElementById("boot"), null, { timeout: 30_000 });
  // Set once every key and animation listener is attached.
  await page.waitForSelector("html[data-app-ready]", { state: "attached", timeout: 30_000 });
}

/**
 * The measurement worker loads on first use: this presses "Measure for real", waits until the
 * footer says the worker answered, then cancels the measurement, leaving a ready worker.
 */
export async function startWorker(page) {
  assert.equal(await page.getAttribute("#worker-status", "data-worker"), "not-started", "no worker before first use");
  await page.click("#measure");
  await page.waitForSelector('#worker-status[data-worker="ready"]', { timeout: 20_000 });
  const cancel = page.getByRole("button", { name: "Cancel", exact: true });
  if (await cancel.isVisible()) await cancel.click();
  await page.waitForSelector("#measure", { timeout: 10_000 });
}

/** Counts the distinct colours of a canvas, sampled on a grid: 1 means blank. */
export async function canvasColours(page, selector) {
  return page.$eval(selector, (canvas) => {
    const ctx = canvas.getContext("2d");
    const { width, height } = canvas;
    if (!width || !height) return 0;
    const data = ctx.getImageData(0, 0, width, height).data;
    const seen = new Set();
    for (let y = 0; y < height; y += 3) {
      for (let x = 0; x < width; x += 3) {
        const i = (y * width + x) * 4;
        seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
      }
    }
    return seen.size;
  });
}

/** A hash of a canvas's pixels, to tell whether two frames differ. */
export async function canvasHash(page, selector) {
  return page.$eval(selector, (canvas) => {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let h = 2166136261;
    for (let i = 0; i < data.length; i += 7) h = Math.imul(h ^ data[i], 16777619);
    return h >>> 0;
  });
}

/** The number in "event N of M" above the narration. */
export async function eventNumber(page) {
  return Number((await page.textContent("#narration-title")).match(/event (\d+)/)[1]);
}

/**
 * Serves dist/ and launches Chromium once per test file. The returned object's `server` and
 * `browser` are set before the first test runs and closed after the last.
 */
export function suite() {
  const env = {};
  before(async () => {
    const { serve } = await import("./server.mjs");
    env.server = await serve();
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/**
 * The event number once it has stopped changing: read every 100 ms until two reads agree (up to
 * 5 s). For steps whose size depends on the step mode (a moment can hold several events).
 */
export async function stableEvent(page) {
  let last = await eventNumber(page);
  for (let i = 0; i < 50; i++) {
    await page.waitForTimeout(100);
    const now = await eventNumber(page);
    if (now === last) return now;
    last = now;
  }
  return last;
}

/**
 * The event number once the page has caught up with a key press or click: waits (up to 5 s)
 * for `expected` to show, then returns what is shown, so the caller's assertion still decides.
 */
export async function settledEvent(page, expected) {
  await page
    .waitForFunction((n) => new RegExp(`event ${n} of`).test(document.querySelector("#narration-title")?.textContent ?? ""), expected, {
      timeout: 5_000,
    })
    .catch(() => {});
  return eventNumber(page);
}
