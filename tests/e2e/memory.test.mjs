// The ten-thousand lesson draws memory as the run grows: reserved against resident, the units
// alive now and the most so far, per model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, suite, waitForApp } from "./browser.mjs";

const env = suite();

test("memory is drawn as the run grows, reserved against resident", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 1280, height: 800 });
  const meter = (model) => page.getAttribute(`.scene[data-model="${model}"] .scene-memory`, "aria-label");
  await page.goto(`${env.server.origin}/?lesson=ten-thousand&question=0`);
  await waitForApp(page);
  assert.match(await meter("threads"), /^Memory now: 0 B reserved · 0 B resident, 0 threads alive/);
  await page.goto(`${env.server.origin}/?lesson=ten-thousand&question=0&t=1500`);
  await waitForApp(page);
  const threads = await meter("threads");
  const m = threads.match(/^Memory now: ([\d.]+) GB reserved · ([\d.]+) MB resident, ([\d,]+) threads alive; the most so far: ([\d.]+) GB/);
  assert.ok(m, threads);
  const alive = Number(m[3].replace(/,/g, ""));
  // 8.5 MB of address space a thread, ~14 KB of it resident.
  assert.ok(Math.abs(Number(m[1]) * 1e3 - alive * 8.5) < alive * 0.1, threads);
  assert.ok(alive > 1000 && alive < 10000, "fewer than all 10,000 are alive at once");
  // Every asyncio task has returned by 1.5 s; at most ten thousand were alive, ~15 MB.
  assert.match(await meter("asyncio"), /0 tasks alive; the most so far: 15 MB reserved with 10,000 alive/);
  // Other lessons draw no meter.
  await page.goto(`${env.server.origin}/?lesson=three-waits&question=0`);
  await waitForApp(page);
  assert.equal(await page.locator(".scene-memory").count(), 0);
  assert.deepEqual(problems(), []);
  await close();
});
