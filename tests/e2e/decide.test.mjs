// The decision explorer (?view=decide): the map is simulated in the page, agrees with the
// decision table, follows its settings (kept in the address bar), and a cell opens its
// workload as a lesson; it fits a phone and a 700 px embed, and reads in every theme.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, suite, waitForApp } from "./browser.mjs";

const env = suite();

const cell = (page, tasks, cpu) => page.locator(`.decide-map td[data-tasks="${tasks}"][data-cpu="${cpu}"]`);
const best = (page, tasks, cpu) => cell(page, tasks, cpu).getAttribute("data-best");

test("the map is computed in the page and agrees with the decision table", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 1280, height: 800 });
  await page.goto(`${env.server.origin}/?view=decide`);
  await waitForApp(page);
  await page.waitForSelector(".decide-map td.cell", { timeout: 20000 });
  assert.equal(await page.locator(".decide-map td.cell").count(), 81);
  // The table's rules, each in its region.
  assert.equal(await best(page, 30, 0), "threads", "I/O-bound, tens to hundreds");
  assert.equal(await best(page, 10000, 0), "asyncio", "I/O-bound, thousands");
  assert.match(await best(page, 30, 100), /^(processes|hybrid)$/, "CPU-bound");
  assert.equal(await page.locator(".decide-rules tbody tr").count(), 4);
  // Each cell says what every model did, for a screen reader and a tooltip.
  const label = await cell(page, 30, 0).locator("a").getAttribute("aria-label");
  assert.match(label, /^30 tasks, 0% CPU: choose threads\. threads .* asyncio .* processes .*Open it as a lesson\.$/);
  // Native code: threads win the numeric region (rule 4); the address bar keeps the setting.
  await page.check("#decide-native");
  await page.waitForFunction(() => new URLSearchParams(location.search).get("native") === "1");
  await page.waitForSelector(".decide-map td.cell");
  assert.equal(await best(page, 30, 100), "threads");
  // Memory: the layer shows the chosen model's resident memory.
  await page.selectOption("#decide-layer", "memory");
  await page.waitForFunction(() => new URLSearchParams(location.search).get("layer") === "memory");
  assert.match(await cell(page, 10000, 0).textContent(), /MB|KB|GB/);
  // Subinterpreters take part on 3.14, and win CPU-bound work with few tasks there.
  await page.selectOption("#decide-layer", "fastest");
  await page.uncheck("#decide-native");
  await page.selectOption("#decide-python", "3.14");
  await page.check("#decide-interpreters");
  await page.waitForSelector('.decide-legend .m-interpreters');
  await page.waitForSelector(".decide-map td.cell");
  assert.equal(await best(page, 3, 100), "interpreters");
  // 3.9 has no interpreter with its own GIL: the box cannot be ticked.
  await page.selectOption("#decide-python", "3.9");
  assert.equal(await page.isDisabled("#decide-interpreters"), true);
  assert.equal(await page.isChecked("#decide-interpreters"), false, "and is unticked");
  // A reload keeps the settings; the Embed dialog's snippet carries them.
  await page.selectOption("#decide-cores", "8");
  await page.waitForFunction(() => new URLSearchParams(location.search).get("cores") === "8");
  await page.reload();
  await waitForApp(page);
  assert.equal(await page.inputValue("#decide-python"), "3.9");
  await page.getByRole("button", { name: "Embed" }).click();
  const snippet = await page.locator("dialog textarea, .embed-dialog textarea").first().inputValue();
  assert.match(snippet, /view=decide.*embed=1.*cores=8.*python=3\.9|view=decide.*embed=1.*python=3\.9/s);
  assert.deepEqual(problems(), []);
  await close();
});

test("a cell opens its workload as a lesson, even with ten thousand tasks", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 1280, height: 800 });
  await page.goto(`${env.server.origin}/?view=decide`);
  await waitForApp(page);
  await page.waitForSelector(".decide-map td.cell");
  await cell(page, 10, 25).locator("a").click();
  await page.waitForSelector("canvas");
  await page.waitForFunction(() => !new URLSearchParams(location.search).has("view"));
  const shown = await page.$$eval(".results tbody tr", (rows) => rows.map((r) => r.dataset.model));
  assert.deepEqual(shown, ["threads", "asyncio", "processes", "hybrid"]);
  // Back to the map from the lesson menu.
  await page.selectOption("#lesson-picker", "decide");
  await page.waitForSelector(".decide-map td.cell");
  await cell(page, 10000, 50).locator("a").click();
  await page.waitForSelector("canvas");
  const big = await page.$$eval(".results tbody tr", (rows) => rows.map((r) => r.dataset.model));
  assert.ok(big.includes("asyncio") && !big.includes("threads"), `ten thousand threads are left out: ${big}`);
  // The address keeps the cell's short link, so a reload (or a new tab) opens it again.
  await page.waitForFunction(() => location.search.startsWith("?workload=10000,50"));
  await page.reload();
  await waitForApp(page);
  await page.waitForSelector("canvas");
  assert.equal(await page.locator(".results tbody tr").count(), big.length);
  assert.deepEqual(problems(), []);
  await close();
});

test("a garbage link keeps the page and says what was ignored", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 1280, height: 800 });
  await page.goto(`${env.server.origin}/?view=decide&cores=999&python=2.7&layer=zzz`);
  await waitForApp(page);
  await page.waitForSelector(".decide-map td.cell");
  assert.equal(await page.locator(".decide .notice").count(), 3);
  await page.goto(`${env.server.origin}/?workload=99999,5`);
  await waitForApp(page);
  await page.waitForSelector("canvas");
  assert.match(await page.textContent("body"), /workload "99999,5"/);
  assert.deepEqual(problems(), []);
  await close();
});

test("the map fits a phone and a 700 px embed without scrolling sideways", async () => {
  for (const [width, height, query] of [[375, 740, "view=decide"], [700, 560, "view=decide&embed=1"]]) {
    const { page, problems, close } = await openPage(env.browser, { width, height });
    await page.goto(`${env.server.origin}/?${query}`);
    await waitForApp(page);
    await page.waitForSelector(".decide-map td.cell");
    const box = await page.locator(".decide-map").boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= width + 1, `${width}: the map is inside the width: ${JSON.stringify(box)}`);
    const last = await cell(page, 10000, 0).boundingBox();
    assert.ok(last.x + last.width <= width + 1, `${width}: the last column shows`);
    // Every cell's word fits its cell.
    const cut = await page.$$eval(".decide-map td.cell > a", (as) => as.filter((a) => a.scrollWidth > a.clientWidth + 1).length);
    assert.equal(cut, 0, `${width}: no cell's word is cut`);
    assert.deepEqual(problems(), []);
    await close();
  }
});
