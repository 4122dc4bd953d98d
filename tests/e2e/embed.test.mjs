// The Embed dialog builds the snippet: models, theme, start moment, compact or full, height, a
// live preview, and a focus that stays inside while open and returns to the Embed button.
import { test } from "node:test";
import assert from "node:assert/strict";
import { serve } from "./server.mjs";
import { openPage, stableEvent, suite, waitForApp } from "./browser.mjs";

const env = suite();

const src = (snippet) => snippet.match(/src="([^"]+)"/)[1].replaceAll("&amp;", "&");

test("the Embed dialog's choices build the snippet and its preview; focus is trapped and returns", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 1280, height: 800 });
  await page.goto(`${env.server.origin}/?lesson=convoy`);
  await waitForApp(page);
  await page.getByRole("button", { name: "Step forward", exact: true }).click();
  await page.getByRole("button", { name: "Step forward", exact: true }).click();
  await stableEvent(page);
  await page.getByRole("button", { name: "Embed" }).click();
  const dialog = page.getByRole("dialog", { name: "Embed this lesson" });
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "embed-snippet", "the snippet has the focus, selected");
  const snippet = () => page.inputValue("#embed-snippet");
  const first = await snippet();
  assert.match(first, /embed=1/);
  assert.match(first, /height="560"/);
  assert.doesNotMatch(first, /models=|[?&]t=/);

  // Tab and Shift+Tab never leave the dialog.
  for (const key of [...Array(25).fill("Tab"), ...Array(25).fill("Shift+Tab")]) {
    await page.keyboard.press(key);
    assert.ok(await page.evaluate(() => document.querySelector(".embed-dialog").contains(document.activeElement)), `${key} stays inside`);
  }

  // Two of the three models, dark, from this moment, with the results, 640 px.
  const boxes = dialog.getByRole("checkbox");
  assert.equal(await boxes.count(), 3, "one box per model of the lesson");
  await boxes.nth(2).uncheck();
  await dialog.getByLabel("Dark", { exact: true }).check();
  await dialog.getByLabel(/^This moment/).check();
  await dialog.getByLabel("Full: with the results").check();
  assert.match(await snippet(), /height="900"/, "the full layout's default height");
  await page.fill("#embed-height", "640");
  await page.press("#embed-height", "Enter");
  await page.locator("#embed-height").blur();
  const built = await snippet();
  const url = new URL(src(built));
  assert.equal(url.searchParams.get("lesson"), "convoy");
  assert.equal(url.searchParams.get("embed"), "full");
  assert.equal(url.searchParams.get("theme"), "dark");
  assert.ok(url.searchParams.get("t"), `a start moment: ${url}`);
  assert.equal(url.searchParams.get("models").split(",").length, 2);
  assert.match(built, /height="640"/);
  // The question is asked unless the blogger turns it off.
  assert.equal(url.searchParams.get("question"), null);
  await dialog.getByLabel("No question").check();
  assert.equal(new URL(src(await snippet())).searchParams.get("question"), "0");
  await dialog.getByLabel("Ask it before the run").check();
  // The last model cannot be switched off.
  await boxes.nth(1).uncheck();
  assert.equal(await boxes.nth(0).isDisabled(), true, "the last model stays");
  await boxes.nth(1).check();

  // The preview shows what the snippet embeds.
  const preview = page.frameLocator("#embed-preview");
  assert.equal(await page.getAttribute("#embed-preview", "src"), src(await snippet()));
  await preview.locator("html[data-app-ready]").waitFor({ state: "attached", timeout: 30_000 });
  assert.equal(await preview.locator(".stage .scene").count(), 2, "the preview compares the two chosen models");
  assert.equal(await preview.locator("html").getAttribute("data-theme"), "dark");

  // The preview is a picture: a click on it leaves the focus with the dialog.
  await page.click("#embed-preview", { force: true });
  assert.ok(await page.evaluate(() => document.querySelector(".embed-dialog").contains(document.activeElement)), "focus stays in the dialog");
  await page.keyboard.press("Tab");
  assert.ok(await page.evaluate(() => document.querySelector(".embed-dialog").contains(document.activeElement)), "Tab from there stays too");
  // Escape closes it and the focus goes back to the Embed button.
  await page.locator("#embed-snippet").focus();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => document.activeElement?.id), "embed-open");

  // A blog pastes it: the frame shows the chosen models, the results and the moment.
  const blog = await serve(undefined, { "/post.html": `<!doctype html><title>Post</title><link rel="icon" href="data:,"><body style="margin:0;width:700px">${built}</body>` });
  try {
    await page.goto(`${blog.origin}/post.html`);
    const frame = await (await page.waitForSelector("iframe[data-concurrency-kitchen]")).contentFrame();
    await frame.waitForSelector("html[data-app-ready]", { state: "attached", timeout: 30_000 });
    assert.equal((await frame.$$(".stage .scene")).length, 2);
    assert.ok(await frame.$("table.results"), "embed=full shows the results");
    assert.doesNotMatch(await frame.textContent("#narration-title"), /event 0 of/, "it opens at the chosen moment");
  } finally {
    await blog.close();
  }
  assert.deepEqual(problems(), []);
  await close();
});

test("a compact embed is the player alone and a phone can use the dialog", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 375, height: 740 });
  await page.goto(`${env.server.origin}/?lesson=three-waits&embed=1`);
  await waitForApp(page);
  assert.equal(await page.$("table.results"), null, "embed=1 has no results table");
  await page.goto(`${env.server.origin}/?lesson=three-waits`);
  await waitForApp(page);
  await page.getByRole("button", { name: "Embed" }).click();
  const copy = page.getByRole("button", { name: "Copy snippet" });
  await copy.scrollIntoViewIfNeeded();
  const box = await copy.boundingBox();
  assert.ok(box && box.y >= 0 && box.y + box.height <= 740 && box.x + box.width <= 375, `Copy snippet reachable: ${JSON.stringify(box)}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(overflow <= 0, `no sideways scroll (${overflow}px)`);
  assert.deepEqual(problems(), []);
  await close();
});
