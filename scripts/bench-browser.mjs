// Browser figures for `./kitchen bench`: gzip transfer of the release build, time from
// navigation to first render, and frame times while the largest lesson plays at 1920x1080.
import { readdir, readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { serve } from "../tests/e2e/server.mjs";
import { launch, openPage, waitForApp } from "../tests/e2e/browser.mjs";

const BUDGET_KB = 300;

async function transfer() {
  let raw = 0;
  let gz = 0;
  const rows = [];
  for (const name of await readdir("dist")) {
    if (!/\.(html|js|wasm|css|svg)$/.test(name)) continue;
    const body = await readFile(`dist/${name}`);
    const size = gzipSync(body, { level: 9 }).length;
    raw += body.length;
    gz += size;
    rows.push([name, body.length, size]);
  }
  rows.sort((a, b) => b[2] - a[2]);
  for (const [name, r, g] of rows) console.log(`  ${name.padEnd(44)} ${(r / 1024).toFixed(1).padStart(8)} KB raw ${(g / 1024).toFixed(1).padStart(8)} KB gzip`);
  console.log(`transfer: ${(gz / 1024).toFixed(1)} KB gzip in total (${(raw / 1024).toFixed(1)} KB raw); budget ${BUDGET_KB} KB`);
}

async function browserFigures() {
  const server = await serve();
  const browser = await launch();
  try {
    const firsts = [];
    for (let i = 0; i < 5; i++) {
      const { page, close } = await openPage(browser, { width: 1280, height: 800 });
      await page.goto(server.origin + "/");
      await waitForApp(page);
      await page.waitForFunction(() => document.querySelector(".scene canvas")?.width > 0);
      firsts.push(await page.evaluate(() => performance.now()));
      await close();
    }
    firsts.sort((a, b) => a - b);
    console.log(`first render: median ${firsts[2].toFixed(0)} ms from navigation (min ${firsts[0].toFixed(0)}, max ${firsts[4].toFixed(0)}), 5 loads`);

    const { page, context, close } = await openPage(browser, { width: 1920, height: 1080 });
    // Frame work, measured from the first animation-frame callback of a frame until a task
    // queued then runs: the callbacks, Yew's rendering and drawing, and the microtasks between.
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
    await page.goto(server.origin + "/?lesson=ten-thousand&speed=1");
    await waitForApp(page);
    // Chromium's own accounting of main-thread time, read before and after the 5 seconds.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    const metric = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
    const before = await metric();
    const frames = await page.evaluate(async () => {
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
    const per = (name) => ((afterward[name] - before[name]) * 1000) / Math.max(1, frames.length);
    console.log(`main thread per frame (Chromium metrics, mean): script ${per("ScriptDuration").toFixed(2)} ms, layout ${per("LayoutDuration").toFixed(2)} ms, style ${per("RecalcStyleDuration").toFixed(2)} ms, all tasks ${per("TaskDuration").toFixed(2)} ms`);
    // Script time per frame, from the browser's own long-task-free measure: the gaps between
    // animation frames. At 60 Hz a gap above 16.7 ms is a dropped frame.
    frames.sort((a, b) => a - b);
    const p = (q) => frames[Math.min(frames.length - 1, Math.floor(q * frames.length))];
    console.log(`frames (ten-thousand, 1920x1080, 5 s): ${frames.length} frames, median gap ${p(0.5).toFixed(1)} ms, p95 gap ${p(0.95).toFixed(1)} ms, max ${p(1).toFixed(1)} ms`);
    const report = (label, values) => {
      const v = values.slice().sort((a, b) => a - b);
      if (!v.length) return;
      const q = (x) => v[Math.min(v.length - 1, Math.floor(x * v.length))];
      console.log(`${label}: median ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms over ${v.length} frames (budget: p95 <= 8 ms)`);
    };
    report("frame time (callbacks + render + draw + microtasks)", await page.evaluate(() => window.__ckFrameWork));
    await close();
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Real timing in Web Workers: the machine check, and one lesson measured against the model. */
async function measurementFigures() {
  const server = await serve();
  const browser = await launch();
  try {
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
    const rows = await page.$$eval("table.results tbody tr", (trs) =>
      trs.map((tr) => `${tr.dataset.model}: simulated ${tr.querySelector("td.total .value").textContent}, measured ${tr.querySelector("td.measured").textContent}`),
    );
    console.log(`measure for real (three-waits, ${((Date.now() - started) / 1000).toFixed(1)} s):\n  ` + rows.join("\n  "));
    await close();
  } finally {
    await browser.close();
    await server.close();
  }
}

await transfer();
await browserFigures();
await measurementFigures();
