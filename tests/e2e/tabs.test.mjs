// Two tabs never share a save: a duplicated tab (or a page opened with window.open) gets a
// copy of sessionStorage, tab id included, and must move to an id of its own at once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, suite, waitForApp } from "./browser.mjs";

const env = suite();
const TAB_ID = "concurrency-kitchen:tab-id";

test("a tab opened as a copy of another saves under its own id, and each keeps its work", async () => {
  const { page, context, problems, close } = await openPage(env.browser);
  await page.goto(env.server.origin + "/?lesson=three-waits");
  await waitForApp(page);
  await page.click("#editor summary");
  await page.getByLabel("Task 1 step 1 milliseconds").fill("1111");
  await page.waitForTimeout(400);
  await page.waitForFunction((key) => sessionStorage.getItem(key), TAB_ID);
  const first = await page.evaluate((key) => sessionStorage.getItem(key), TAB_ID);
  const [copy] = await Promise.all([
    context.waitForEvent("page"),
    page.evaluate(() => window.open(location.href, "_blank")),
  ]);
  await waitForApp(copy);
  // The copy starts with the first tab's id and gives it up once the first tab answers.
  await copy.waitForFunction(([key, id]) => sessionStorage.getItem(key) !== id, [TAB_ID, first], { timeout: 5_000 });
  await copy.click("#editor summary");
  await copy.getByLabel("Task 1 step 1 milliseconds").fill("2222");
  await copy.waitForTimeout(400);
  const saved = await page.evaluate(() => Object.fromEntries(Object.entries(localStorage)));
  const ms = (id) => JSON.parse(saved[`concurrency-kitchen:tab:${id}`]).tasks[0].steps[0].ms;
  const second = await copy.evaluate((key) => sessionStorage.getItem(key), TAB_ID);
  assert.notEqual(second, first);
  assert.equal(ms(first), 1111, "the first tab's work is intact");
  assert.equal(ms(second), 2222);
  assert.deepEqual(problems(), []);
  await close();
});
