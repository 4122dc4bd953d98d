// The guided path: each lesson opens with a question to think about, ends with "Next lesson",
// and the lessons done are ticked in the menu and counted, kept in this browser across reloads.
// Storage that refuses the write says so once, and the visit's progress stays.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, suite, waitForApp } from "./browser.mjs";

const env = suite();

test("think first, answer, Next lesson, and progress kept in this browser", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 1280, height: 800 });
  await page.goto(`${env.server.origin}/?lesson=three-waits`);
  await waitForApp(page);
  await page.evaluate(() => localStorage.removeItem("concurrency-kitchen:progress"));
  await page.reload();
  await waitForApp(page);
  assert.match(await page.textContent("#narration"), /^.*Think first: While a dish is in the oven/s);
  assert.equal(await page.$("#next-lesson"), null, "no way on before the answer");
  const ticked = () => page.$$eval("#lesson-picker option", (os) => os.filter((o) => o.textContent.endsWith("✓")).map((o) => o.value));
  assert.deepEqual(await ticked(), []);
  await page.locator(".predict .choice").first().click();
  await page.getByRole("button", { name: "Reveal now" }).click();
  await page.waitForSelector("#reveal");
  assert.equal(await page.textContent("#progress-count"), "1 of 19 done");
  const next = page.locator("#next-lesson");
  assert.equal(await next.textContent(), "Next lesson: 2. gather: a 2-second and a 1-second wait →");
  await next.click();
  await page.waitForFunction(() => new URLSearchParams(location.search).get("lesson") === "gather-overlap");
  await page.waitForSelector(".predict .choice");
  assert.equal(await page.$("#reveal"), null, "the next lesson asks afresh");
  // A reload remembers; the menu ticks the lesson done.
  await page.reload();
  await waitForApp(page);
  assert.deepEqual(await ticked(), ["three-waits"]);
  const option = await page.textContent('#lesson-picker option[value="three-waits"]');
  assert.equal(option, "1. Sync vs threads vs asyncio: three 2-second waits ✓");
  // The menu follows the path: the races come after processes, ten-thousand after them.
  const order = await page.$$eval("#lesson-picker option", (os) => os.map((o) => o.value));
  assert.deepEqual(order.slice(6, 10), ["cpu-processes", "refcount-race", "counter-race", "ten-thousand"]);
  // A race lesson counts once answered, and leads on too.
  await page.selectOption("#lesson-picker", "refcount-race");
  await page.waitForSelector(".race-question .opener");
  await page.locator(".race-question .choice").first().click();
  await page.waitForSelector("#race-reveal #next-lesson");
  assert.equal(await page.textContent("#progress-count"), "2 of 19 done");
  assert.deepEqual(await ticked(), ["three-waits", "refcount-race"]);
  assert.deepEqual(problems(), []);
  await close();
});

test("storage that refuses the progress says so once, and the visit keeps it", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 1280, height: 800 });
  await page.addInitScript(() => {
    const set = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (key === "concurrency-kitchen:progress") throw new DOMException("full", "QuotaExceededError");
      return set.call(this, key, value);
    };
  });
  await page.goto(`${env.server.origin}/?lesson=three-waits`);
  await waitForApp(page);
  await page.locator(".predict .choice").first().click();
  await page.getByRole("button", { name: "Reveal now" }).click();
  await page.waitForSelector("#reveal");
  await page.waitForFunction(() => /progress could not be kept/.test(document.body.textContent));
  assert.match(await page.textContent("body"), /QuotaExceededError/);
  assert.equal(await page.textContent("#progress-count"), "1 of 19 done", "the visit keeps it");
  assert.deepEqual(problems(), []);
  await close();
});

test("garbage in the stored progress counts as none", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 1280, height: 800 });
  await page.goto(`${env.server.origin}/?lesson=convoy`);
  await waitForApp(page);
  await page.evaluate(() => localStorage.setItem("concurrency-kitchen:progress", '{"not": "a list"]'));
  await page.reload();
  await waitForApp(page);
  const ticked = () => page.$$eval("#lesson-picker option", (os) => os.filter((o) => o.textContent.endsWith("✓")).map((o) => o.value));
  assert.deepEqual(await ticked(), []);
  await page.evaluate(() => localStorage.setItem("concurrency-kitchen:progress", '["convoy","nope","convoy"]'));
  await page.reload();
  await waitForApp(page);
  assert.deepEqual(await ticked(), ["convoy"]);
  assert.deepEqual(problems(), []);
  await close();
});

test("a reload keeps this tab's prediction, and Predict after all forgets it", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 1280, height: 800 });
  await page.goto(`${env.server.origin}/?lesson=io-threads`);
  await waitForApp(page);
  await page.getByRole("button", { name: "B: Yes, about 4 s", exact: true }).click();
  await page.reload();
  await waitForApp(page);
  await page.waitForFunction(() => /You predicted B\) Yes, about 4 s/.test(document.querySelector(".predict").textContent));
  // Another lesson asks afresh; coming back finds the prediction again.
  await page.selectOption("#lesson-picker", "convoy");
  await page.waitForSelector(".predict .choice");
  await page.getByRole("button", { name: "Skip", exact: true }).click();
  await page.reload();
  await waitForApp(page);
  await page.waitForSelector("#predict-again");
  await page.click("#predict-again");
  await page.reload();
  await waitForApp(page);
  await page.waitForTimeout(300);
  assert.equal(await page.locator(".predict .choice").count(), 3, "taken back: asked again after a reload");
  assert.deepEqual(problems(), []);
  await close();
});
