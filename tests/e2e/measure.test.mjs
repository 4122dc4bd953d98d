// Real timing in Web Workers: physics that hold on any machine, never absolute speeds.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { serve } from "./server.mjs";
import { launch, openPage, startWorker, waitForApp } from "./browser.mjs";

let server;
let isolatedServer;
let browser;

before(async () => {
  server = await serve();
  isolatedServer = await serve(undefined, {}, { isolated: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await isolatedServer?.close();
});

/** The measured medians in model ms, by model id. */
async function measured(page) {
  const rows = await page.$$eval("table.results tbody tr", (trs) =>
    trs.map((tr) => [tr.dataset.model, tr.querySelector("td.measured")?.textContent ?? ""]),
  );
  const ms = (text) => {
    const m = text.match(/^([\d.]+) (s|ms)/);
    return m ? Number(m[1]) * (m[2] === "s" ? 1000 : 1) : NaN;
  };
  return Object.fromEntries(rows.map(([model, text]) => [model, ms(text)]));
}

/** Measures, checks the figures wait for the reveal, then reveals them (the scrubber to the end). */
async function measure(page) {
  await page.click("#measure");
  await page.waitForSelector("td.measured", { timeout: 90_000 });
  const held = await page.$$eval("td.measured", (tds) => tds.map((td) => td.textContent));
  assert.ok(held.every((t) => t === "…"), `measured figures wait for the reveal: ${held}`);
  await page.$eval(".controls input[type=range]", (el) => {
    el.value = el.max;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await page.waitForFunction(() => [...document.querySelectorAll("td.measured")].every((td) => td.textContent !== "…"));
  return measured(page);
}

test("three concurrent waits under asyncio take about a third of sync", async () => {
  const { page, problems, close } = await openPage(browser);
  await page.goto(`${server.origin}/?lesson=three-waits`);
  await waitForApp(page);
  const m = await measure(page);
  assert.ok(await page.isVisible("th:text('Measured')"), "a Measured column");
  assert.ok(await page.isVisible("#measured-chart"), "the simulated-versus-measured chart");
  const ratio = m.asyncio / m.sync;
  assert.ok(ratio > 0.25 && ratio < 0.45, `asyncio/sync = ${ratio.toFixed(2)} (${JSON.stringify(m)})`);
  assert.match(await page.textContent("#measure-status"), /busy wait/, "this page is not isolated");
  assert.deepEqual(problems(), []);
  await close();
});

test("threads holding one lock are not faster than serial", async () => {
  const { page, problems, close } = await openPage(browser);
  await page.goto(`${server.origin}/?lesson=cpu-threads-gil`);
  await waitForApp(page);
  const m = await measure(page);
  assert.ok(m.threads >= m.sync * 0.85, `threads ${m.threads} ms vs sync ${m.sync} ms`);
  assert.deepEqual(problems(), []);
  await close();
});

test("in a cross-origin isolated page blocking waits use Atomics and still freeze the loop", async () => {
  const { page, problems, close } = await openPage(browser);
  await page.goto(`${isolatedServer.origin}/?lesson=blocking-in-async`);
  await waitForApp(page);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  const m = await measure(page);
  assert.match(await page.textContent("#measure-status"), /Atomics\.wait/);
  assert.ok(m.asyncio > m.sync * 0.8, `a blocking call in async code is as slow as sync: ${JSON.stringify(m)}`);
  assert.ok(m.threads < m.sync * 0.6, `threads overlap blocking calls: ${JSON.stringify(m)}`);
  assert.deepEqual(problems(), []);
  await close();
});

test("a measurement can be cancelled and leaves the page usable", async () => {
  const { page, problems, close } = await openPage(browser);
  await page.goto(`${server.origin}/?lesson=three-waits`);
  await waitForApp(page);
  await page.click("#measure");
  await page.getByRole("button", { name: "Cancel", exact: true }).click();
  await page.waitForSelector("#measure", { timeout: 10_000 });
  assert.equal(await page.$$eval("td.measured", (t) => t.length), 0);
  await page.getByRole("button", { name: "Step forward", exact: true }).click();
  await page.waitForFunction(() => /event [1-9]\d* of/.test(document.querySelector("#narration-title").textContent), null, { timeout: 5_000 });
  assert.deepEqual(problems(), []);
  await close();
});

test("the deliberate block shows a frame gap at least its duration; a worker does not", async () => {
  const { page, problems, close } = await openPage(browser);
  await page.goto(`${server.origin}/?lesson=cpu-in-loop`);
  await waitForApp(page);
  await page.getByRole("button", { name: "Block the page (1 s)" }).click();
  await page.waitForSelector("#loop-gap", { timeout: 20_000 });
  const blocked = Number(await page.getAttribute("#loop-gap", "data-gap-ms"));
  assert.ok(blocked >= 1000, `frame gap ${blocked} ms`);
  await page.getByRole("button", { name: "Run in a worker" }).click();
  await page.waitForFunction(() => document.querySelector("#loop-gap")?.textContent.startsWith("Ran in a worker"), null, {
    timeout: 30_000,
  });
  const smooth = Number(await page.getAttribute("#loop-gap", "data-gap-ms"));
  assert.ok(smooth < blocked / 2, `the worker kept the page running: ${smooth} ms`);
  assert.deepEqual(problems(), []);
  await close();
});

test("the machine check measures parallelism, and Use my machine re-simulates with it", async () => {
  const { page, problems, close } = await openPage(browser);
  await page.goto(`${server.origin}/?lesson=cpu-processes&speed=8`);
  await waitForApp(page);
  await page.getByRole("button", { name: "Check my machine" }).click();
  await page.waitForSelector("#machine", { timeout: 60_000 });
  const text = await page.textContent("#machine");
  assert.match(text, /Parallel speed-up/);
  assert.match(text, /hardwareConcurrency/);
  const total = async () => {
    await page.getByRole("button", { name: "Play", exact: true }).click();
    await page.waitForSelector("#takeaway", { timeout: 30_000 });
    return page.textContent('tr[data-model="processes"] td.total .value');
  };
  const lessonMachine = await total();
  await page.getByRole("button", { name: "Use my machine" }).click();
  const mine = await total();
  assert.notEqual(mine, lessonMachine, "the simulation now uses this machine's cores and start-up");
  await page.getByRole("button", { name: "Back to the lesson's machine" }).click();
  assert.equal(await total(), lessonMachine);
  assert.deepEqual(problems(), []);
  await close();
});

test("two starts in one task run one job: the first is cancelled before it spreads", async () => {
  const { page, context, problems, close } = await openPage(browser);
  // Count live workers and remember the most at once.
  await context.addInitScript(() => {
    const Base = window.Worker;
    window.__workers = { live: 0, peak: 0 };
    window.Worker = class extends Base {
      constructor(...args) {
        super(...args);
        window.__workers.live += 1;
        window.__workers.peak = Math.max(window.__workers.peak, window.__workers.live);
      }
      terminate() {
        window.__workers.live -= 1;
        super.terminate();
      }
    };
  });
  await page.goto(`${server.origin}/?lesson=three-waits`);
  await waitForApp(page);
  await startWorker(page);
  const n = await page.evaluate(() => Math.min(4, Math.max(2, navigator.hardwareConcurrency)));
  // Both clicks land before the page can redraw the button.
  await page.evaluate(() => {
    const check = [...document.querySelectorAll(".measure-actions button")].find((b) => b.textContent === "Check my machine");
    check.click();
    check.click();
  });
  await page.waitForSelector("#machine", { timeout: 60_000 });
  const workers = await page.evaluate(() => window.__workers);
  // The probe's worker, plus one check's pool: never two pools at once.
  assert.ok(workers.peak <= 1 + n, `at most ${1 + n} workers at once, saw ${workers.peak}`);
  assert.deepEqual(problems(), []);
  await close();
});

test("a scenario with gigabyte payloads is measured with capped copies and says so", async () => {
  const { page, problems, close } = await openPage(browser);
  const scenario = { tasks: [{ name: "big", steps: [{ kind: "cpu", ms: 5 }], send_kb: 1000000, recv_kb: 1000000 }], models: [{ id: "processes" }] };
  const link = "z1." + (await import("node:zlib")).deflateRawSync(Buffer.from(JSON.stringify(scenario))).toString("base64url");
  await page.goto(`${server.origin}/?scenario=${link}`);
  await waitForApp(page);
  assert.match(await page.textContent("#payload-note"), /Payloads above 4 MB per task are copied as 4 MB/);
  const result = await measure(page);
  assert.ok(result.processes > 0, `measured: ${JSON.stringify(result)}`);
  assert.deepEqual(problems(), []);
  await close();
});
