// The app shell against the release build: loads at / and under a sub-path, with no console
// errors, failed or off-site requests, a drawn canvas and a worker that answers.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { SUB_PATH } from "./server.mjs";
import { openPage, startWorker, suite, waitForApp, canvasColours } from "./browser.mjs";

const env = suite();

for (const base of ["/", SUB_PATH]) {
  describe(`served from ${base}`, () => {
    test("renders the default lesson with no errors and a live worker", async () => {
      const { page, problems, close } = await openPage(env.browser);
      await page.goto(env.server.origin + base);
      await waitForApp(page);
      assert.match(await page.textContent("header"), /Concurrency Kitchen/);
      assert.equal(await page.$eval("#lesson-picker", (s) => s.value), "three-waits");
      assert.ok((await page.$$("section.stage canvas")).length >= 1, "a scene canvas");
      await page.waitForFunction(() => document.querySelectorAll(".scene canvas").length > 0);
      assert.ok((await canvasColours(page, ".scene canvas")) > 3, "the scene canvas is not blank");
      // No worker until first use (the offline cache may still store its files).
      await startWorker(page);
      assert.deepEqual(problems(), []);
      await close();
    });
  });
}

test("only localhost is ever asked for anything", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(env.server.origin + SUB_PATH + "?lesson=convoy");
  await waitForApp(page);
  await startWorker(page);
  assert.deepEqual(problems().filter((p) => p.startsWith("third-party")), []);
  assert.ok(env.server.requests.some((r) => r.startsWith(SUB_PATH) && r.endsWith(".wasm")), "wasm came from the sub-path");
  await close();
});

test("a bad link shows a notice and the default lesson, not a blank page", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(env.server.origin + "/?lesson=%3Cscript%3Ealert(1)%3C/script%3E&speed=banana&model=gpu");
  await waitForApp(page);
  const notice = await page.textContent(".notice");
  assert.match(notice, /unknown lesson/);
  assert.match(notice, /speed/);
  assert.equal(await page.$eval("#lesson-picker", (s) => s.value), "three-waits");
  assert.equal(await page.$$eval("script", (s) => s.filter((x) => x.textContent.includes("alert(1)")).length), 0);
  assert.deepEqual(problems(), []);
  await close();
});

test("screenshots at phone, laptop and projector sizes, light and dark", async () => {
  await mkdir("tests/e2e/screenshots", { recursive: true });
  const sizes = [
    ["phone", 375, 812],
    ["laptop", 1280, 800],
    ["projector", 1920, 1080],
  ];
  for (const [name, width, height] of sizes) {
    for (const colorScheme of ["light", "dark"]) {
      const { page, problems, close } = await openPage(env.browser, { width, height, colorScheme });
      await page.goto(env.server.origin + "/?lesson=three-waits");
      await waitForApp(page);
      // Step a few events in so the pictures show something happening.
      for (let i = 0; i < 5; i++) await page.click("text=Step forward");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name} ${colorScheme}: no horizontal scrolling (overflow ${overflow}px)`);
      await page.screenshot({ path: `tests/e2e/screenshots/${name}-${colorScheme}.png`, fullPage: false });
      assert.deepEqual(problems(), []);
      await close();
    }
  }
});
