// Browser figures for `./kitchen bench`, each printed next to its budget: what the first load
// transfers (gzip), time to first render, one Step on the largest lesson, frame times while it
// plays at 1920x1080, animation frames on an idle page, and real timing in Web Workers.
// Figures are printed, never asserted: shared machines are noisy.
// `node scripts/bench-browser.mjs [DIR]` measures another build folder (default dist/), e.g. an
// older build kept for a before/after comparison.
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { serve } from "../tests/e2e/server.mjs";
import { launch, openPage, waitForApp } from "../tests/e2e/browser.mjs";

const DIST = resolve(process.argv[2] || "dist");
const BUDGET = { firstLoadKb: 250, stepMs: 16, frameP95Ms: 8, idleFrames: 0 };
/** The largest lesson (110,000 events over its two models). */
const BIG = "/?lesson=ten-thousand&speed=1";

/** The figures set against a budget, for the summary at the end. */
const summary = [];
const against = (label, value, budget, unit, text) => summary.push({ label, value, budget, unit, text });

const kb = (bytes) => (bytes / 1024).toFixed(1);
const quantile = (values, q) => {
  const v = values.slice().sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.floor(q * v.length))];
};

/** Every file of the build with its size raw and gzipped (level 9, as a server would send it). */
async function buildFiles() {
  const files = new Map();
  for (const name of await readdir(DIST)) {
    if (!/\.(html|js|wasm|css|svg)$/.test(name)) continue;
    const body = await readFile(join(DIST, name));
    files.set(name, { raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
  }
  return files;
}

function printFiles(files) {
  const rows = [...files].sort((a, b) => b[1].gzip - a[1].gzip);
  for (const [name, { raw, gzip }] of rows) console.log(`  ${name.padEnd(44)} ${kb(raw).padStart(8)} KB raw ${kb(gzip).padStart(8)} KB gzip`);
  const all = rows.reduce((sum, [, f]) => sum + f.gzip, 0);
  console.log(`whole build: ${kb(all)} KB gzip (everything, also what loads later)`);
}

/** The gzip size of the files behind a list of request paths (each file once). */
function transferOf(paths, files) {
  const names = [...new Set(paths.map((p) => (p.endsWith("/") ? "index.html" : p.split("/").pop())))];
  const known = names.filter((n) => files.has(n));
  return { names: known, gzip: known.reduce((sum, n) => sum + files.get(n).gzip, 0) };
}

/** Resolves once the first scene canvas has been drawn (sized by the app). */
const firstRender = (page) => page.waitForFunction(() => document.querySelector(".scene canvas")?.width > 0, null, { polling: "raf", timeout: 30_000 });

/**
 * What the page fetches before its first render, with the service worker blocked (a first
 * visit has none yet), then what it fetches in the 3 s after; then, with the service worker
 * allowed, what its precache fetches and when it starts relative to the first render.
 */
async function transfer(browser, server, files) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: "block" });
  const page = await context.newPage();
  await page.goto(server.origin + "/");
  await firstRender(page);
  const before = server.requests.slice();
  await page.waitForTimeout(3000);
  const after = server.requests.slice(before.length);
  await context.close();
  const first = transferOf(before, files);
  console.log(`first-load transfer: ${kb(first.gzip)} KB gzip (budget ${BUDGET.firstLoadKb} KB): ${first.names.join(", ")}`);
  against("first-load transfer", first.gzip / 1024, BUDGET.firstLoadKb, "KB", `${kb(first.gzip)} KB gzip`);
  const later = transferOf(after, files);
  const workerFiles = first.names.filter((n) => n.startsWith("worker"));
  console.log(
    `measurement worker: ${workerFiles.length ? `fetched before the first render (${workerFiles.join(", ")})` : "not fetched before the first render"}; ` +
      `fetched in the 3 s after it: ${later.names.length ? `${later.names.join(", ")} (${kb(later.gzip)} KB gzip)` : "nothing"}`,
  );

  // The offline cache: the service worker installs after the first render and stores the
  // whole release. Reported apart, since nothing on screen waits for it.
  const withSw = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const swPage = await withSw.newPage();
  const start = server.requests.length;
  await swPage.goto(server.origin + "/");
  await firstRender(swPage);
  const renderedAt = await swPage.evaluate(() => performance.now());
  const readyAt = await swPage.evaluate(async () => {
    await navigator.serviceWorker.ready;
    return performance.now();
  });
  const stored = await swPage.evaluate(async () => {
    const keys = await caches.keys();
    return keys.length ? (await (await caches.open(keys[0])).keys()).length : 0;
  });
  // The requests of this visit beyond the first load's own (each of those once): what the
  // precache fetched from the network rather than from the HTTP cache.
  const seen = server.requests.slice(start);
  for (const name of first.names) {
    const i = seen.findIndex((p) => (p.endsWith("/") ? "index.html" : p.split("/").pop()) === name);
    if (i >= 0) seen.splice(i, 1);
  }
  const extra = seen.map((p) => p.split("/").pop() || "index.html").filter((n) => files.has(n));
  console.log(
    `service worker precache (starts after the first render): ${stored} files stored, installed ${((readyAt - renderedAt) / 1000).toFixed(1)} s after the first render; ` +
      `it fetched ${extra.length} files from the network (${kb(extra.reduce((sum, n) => sum + files.get(n).gzip, 0))} KB gzip: ${[...new Set(extra)].join(", ") || "none"})`,
  );
  await withSw.close();
}

async function firstRenders(browser, server) {
  const firsts = [];
  for (let i = 0; i < 5; i++) {
    const { page, close } = await openPage(browser, { width: 1280, height: 800 });
    await page.goto(server.origin + "/");
    await waitForApp(page);
    await firstRender(page);
    firsts.push(await page.evaluate(() => performance.now()));
    await close();
  }
  firsts.sort((a, b) => a - b);
  console.log(`first render: median ${firsts[2].toFixed(0)} ms from navigation (min ${firsts[0].toFixed(0)}, max ${firsts[4].toFixed(0)}), 5 loads`);
}

/**
 * One Step forward on the largest lesson: the press is made at the start of an animation frame,
 * and timed until a task queued after it runs, which is after that frame's rendering: the
 * click, Yew's update, the canvas drawing, style, layout and paint.
 */
async function stepCost(browser, server) {
  const { page, close } = await openPage(browser, { width: 1920, height: 1080 });
  await page.goto(server.origin + BIG);
  await waitForApp(page);
  const presses = await page.evaluate(async () => {
    const button = [...document.querySelectorAll(".controls button")].find((b) => b.textContent.includes("Step forward"));
    const nextFrame = () => new Promise((ok) => requestAnimationFrame(ok));
    const press = () =>
      new Promise((done) =>
        requestAnimationFrame(() => {
          const start = performance.now();
          const channel = new MessageChannel();
          channel.port1.onmessage = () => done(performance.now() - start);
          button.click();
          // Queued after Yew's own microtasks, so it posts once the update has run.
          queueMicrotask(() => channel.port2.postMessage(0));
        }),
      );
    const times = [];
    for (let i = 0; i < 45; i++) {
      await nextFrame();
      const t = await press();
      if (i >= 5) times.push(t); // The first presses warm up caches and the JIT.
    }
    return times;
  });
  await close();
  console.log(
    `step (ten-thousand, 110,000 events, 1920x1080): median ${quantile(presses, 0.5).toFixed(1)} ms, p95 ${quantile(presses, 0.95).toFixed(1)} ms over ${presses.length} presses (budget ${BUDGET.stepMs} ms)`,
  );
  against("step on ten-thousand (median)", quantile(presses, 0.5), BUDGET.stepMs, "ms", `${quantile(presses, 0.5).toFixed(1)} ms (p95 ${quantile(presses, 0.95).toFixed(1)} ms)`);
}

async function playing(browser, server) {
  const { page, context, close } = await openPage(browser, { width: 1920, height: 1080 });
  // Frame work, measured from the first animation-frame callback of a frame until a task
  // queued then runs: the callbacks, Yew's rendering and drawing, the microtasks between,
  // and the frame's style, layout and paint.
  await context.addInitScript(() => {
    const raf = window.requestAnimationFrame.bind(window);
    const channel = new MessageChannel();
    let start = null;
    window.__ckFrameWork = [];
    channel.port1.onmessage = () => {
      if (start !== null) window.__ckFrameWork.push(performance.now() - start);
      start = null;
    };
    window.requestAnimationFrame = (callback) =>
      raf((t) => {
        if (start === null) {
          start = performance.now();
          channel.port2.postMessage(0);
        }
        callback(t);
      });
  });
  await page.goto(server.origin + BIG);
  await waitForApp(page);
  // Chromium's own accounting of main-thread time, read before and after the 5 seconds.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const metric = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  const before = await metric();
  const gaps = await page.evaluate(async () => {
    window.__ckFrameWork = [];
    const times = [];
    document.querySelector("#play").click();
    let last = performance.now();
    await new Promise((done) => {
      const end = last + 5000;
      function frame(now) {
        times.push(now - last);
        last = now;
        if (now < end) requestAnimationFrame(frame);
        else done();
      }
      requestAnimationFrame(frame);
    });
    return times;
  });
  const afterward = await metric();
  const work = await page.evaluate(() => window.__ckFrameWork);
  await close();
  const per = (name) => ((afterward[name] - before[name]) * 1000) / Math.max(1, gaps.length);
  console.log(
    `main thread per frame (Chromium metrics, mean): script ${per("ScriptDuration").toFixed(2)} ms, layout ${per("LayoutDuration").toFixed(2)} ms (${(per("LayoutCount") / 1000).toFixed(1)} per frame), style ${per("RecalcStyleDuration").toFixed(2)} ms, all tasks ${per("TaskDuration").toFixed(2)} ms`,
  );
  // At 60 Hz a gap above 16.7 ms is a dropped frame.
  console.log(
    `frame gaps (ten-thousand, 1920x1080, 5 s playing): ${gaps.length} frames, median ${quantile(gaps, 0.5).toFixed(1)} ms, p95 ${quantile(gaps, 0.95).toFixed(1)} ms, max ${quantile(gaps, 1).toFixed(1)} ms`,
  );
  console.log(
    `frame time (callbacks + render + draw + style/layout/paint): p50 ${quantile(work, 0.5).toFixed(2)} ms, p95 ${quantile(work, 0.95).toFixed(2)} ms over ${work.length} frames (budget: p95 <= ${BUDGET.frameP95Ms} ms)`,
  );
  against("frame time p95 while playing", quantile(work, 0.95), BUDGET.frameP95Ms, "ms", `${quantile(work, 0.95).toFixed(1)} ms (p50 ${quantile(work, 0.5).toFixed(1)} ms)`);
}

/**
 * Animation frames and canvas drawing while nothing moves: every requestAnimationFrame callback
 * and every 2D-canvas clear or fill is counted for 2 s, on a freshly loaded page, after playback
 * was paused, after it played to the end, and with the event-loop demo on screen but reduced
 * motion asked for.
 */
async function idleFrames(browser, server) {
  const count = () => {
    window.__ckIdle = { frames: 0, draws: 0 };
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (callback) =>
      raf((t) => {
        window.__ckIdle.frames += 1;
        callback(t);
      });
    const proto = CanvasRenderingContext2D.prototype;
    for (const name of ["clearRect", "fillRect", "fillText"]) {
      const original = proto[name];
      proto[name] = function (...args) {
        window.__ckIdle.draws += 1;
        return original.apply(this, args);
      };
    }
  };
  const over2s = async (page) => {
    await page.evaluate(() => Object.assign(window.__ckIdle, { frames: 0, draws: 0 }));
    await page.waitForTimeout(2000);
    return page.evaluate(() => ({ ...window.__ckIdle }));
  };
  const cases = [];
  {
    const { page, context, close } = await openPage(browser, { width: 1280, height: 800 });
    await context.addInitScript(count);
    await page.goto(server.origin + "/?lesson=three-waits");
    await waitForApp(page);
    await page.waitForTimeout(500);
    cases.push(["freshly loaded", await over2s(page)]);
    await page.click("#play");
    await page.waitForTimeout(700);
    await page.click("#play");
    cases.push(["paused after playing", await over2s(page)]);
    await page.click("#play");
    await page.waitForFunction(() => document.querySelector("#play")?.textContent.includes("Play"), null, { timeout: 30_000 });
    cases.push(["played to the end", await over2s(page)]);
    await close();
  }
  {
    const { page, context, close } = await openPage(browser, { width: 1280, height: 800, reducedMotion: "reduce" });
    await context.addInitScript(count);
    await page.goto(server.origin + "/?lesson=three-waits");
    await waitForApp(page);
    await page.locator(".loop-demo").scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    cases.push(["reduced motion, loop demo on screen", await over2s(page)]);
    await close();
  }
  const worst = Math.max(...cases.map(([, c]) => c.frames));
  console.log(`idle frames in 2 s: ${worst} (budget ${BUDGET.idleFrames})`);
  against("idle frames in 2 s", worst, BUDGET.idleFrames, "", String(worst));
  for (const [label, c] of cases) console.log(`  ${label}: ${c.frames} frames, ${c.draws} canvas draws`);
  // For contrast: the demo on screen with motion allowed is meant to move.
  {
    const { page, context, close } = await openPage(browser, { width: 1280, height: 800 });
    await context.addInitScript(count);
    await page.goto(server.origin + "/?lesson=three-waits");
    await waitForApp(page);
    await page.locator(".loop-demo").scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    const moving = await over2s(page);
    console.log(`  (moving on purpose: the loop demo's dot on screen: ${moving.frames} frames in 2 s)`);
    await close();
  }
}

/** Real timing in Web Workers: the machine check, and one lesson measured against the model. */
async function measurementFigures(browser, server) {
  const { page, close } = await openPage(browser, { width: 1280, height: 900 });
  await page.goto(server.origin + "/?lesson=three-waits");
  await waitForApp(page);
  await page.getByRole("button", { name: "Check my machine" }).click();
  await page.waitForSelector("#machine", { timeout: 120_000 });
  const machine = await page.$$eval("#machine dt", (dts) => dts.map((dt) => `${dt.textContent}: ${dt.nextElementSibling.textContent}`));
  console.log("machine check:\n  " + machine.join("\n  "));
  const started = Date.now();
  await page.click("#measure");
  await page.waitForSelector("td.measured", { timeout: 120_000 });
  // The figures wait for the answer: reveal it by scrubbing to the end of the run.
  await page.$eval(".controls input[type=range]", (el) => {
    el.value = el.max;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await page.waitForFunction(() => [...document.querySelectorAll("td.measured")].every((td) => td.textContent !== "…"));
  const rows = await page.$$eval("table.results tbody tr", (trs) =>
    trs.map((tr) => `${tr.dataset.model}: simulated ${tr.querySelector("td.total .value").textContent}, measured ${tr.querySelector("td.measured").textContent}`),
  );
  console.log(`measure for real (three-waits, ${((Date.now() - started) / 1000).toFixed(1)} s):\n  ` + rows.join("\n  "));
  await close();
}

/** The decision explorer (?view=decide): how long the page takes to compute its grid
 * (issue 15's budget: under 1 s), median of 3 loads. */
async function explorerGrid(browser, server) {
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const { page, close } = await openPage(browser, { width: 1280, height: 800 });
    await page.goto(server.origin + "/?view=decide");
    await waitForApp(page);
    // The page times its own computation of the map (performance.now around it).
    await page.waitForSelector(".decide-map td.cell", { timeout: 20_000 });
    const ms = Number(await page.getAttribute(".decide-map", "data-ms"));
    runs.push(ms);
    await close();
  }
  runs.sort((a, b) => a - b);
  const median = runs[1];
  console.log(`decision explorer grid (81 cells, computed in the page): median ${median.toFixed(0)} ms (${runs.map((r) => r.toFixed(0)).join(", ")})`);
  summary.push({ label: "decision explorer grid", value: median, budget: 1000, unit: "ms", text: `${median.toFixed(0)} ms` });
}

const files = await buildFiles();
printFiles(files);
const server = await serve(DIST);
const browser = await launch();
try {
  await transfer(browser, server, files);
  await firstRenders(browser, server);
  await stepCost(browser, server);
  await playing(browser, server);
  await idleFrames(browser, server);
  await measurementFigures(browser, server);
  await explorerGrid(browser, server);
} finally {
  await browser.close();
  await server.close();
}
console.log("budgets:");
for (const { label, value, budget, unit, text } of summary) {
  console.log(`  ${label.padEnd(32)} ${text.padEnd(30)} budget ${budget}${unit ? " " + unit : ""}  ${value <= budget ? "within" : "OVER"}`);
}
