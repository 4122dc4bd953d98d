// The player fits each way it is used, measured from bounding boxes: the learner's 1280x800,
// the classroom's 1920x1080 in presentation mode, a 375x740 phone and a blog's 700x560 iframe on
// another origin with no host script. No canvas label is cut: the painter measures each label
// against its box and the canvas reports any cut in `data-cut`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { serve } from "./server.mjs";
import { openPage, suite, waitForApp } from "./browser.mjs";

const env = suite();

// A lesson per picture: the GIL's convoy (four panels' worth of labels), three waits (asyncio's
// loop and chips), ten-thousand (the largest), processes (pools and pickling).
const LESSONS = ["convoy", "three-waits", "ten-thousand", "cpu-processes", "task-group"];

/** The box of each selector, in viewport pixels, or null where it is missing or hidden. */
function boxes(scope, selectors) {
  return scope.evaluate((selectors) => {
    const out = {};
    for (const [name, selector] of Object.entries(selectors)) {
      out[name] = [...document.querySelectorAll(selector)].map((e) => {
        const r = e.getBoundingClientRect();
        const hidden = r.width === 0 || r.height === 0 || getComputedStyle(e).visibility === "hidden";
        return hidden ? null : { top: r.top, left: r.left, bottom: r.bottom, right: r.right };
      });
    }
    return out;
  }, selectors);
}

function assertInside(found, width, height, where) {
  for (const [name, list] of Object.entries(found)) {
    assert.ok(list.length > 0, `${where}: ${name} is on the page`);
    list.forEach((b, i) => {
      assert.ok(b, `${where}: ${name}[${i}] is shown`);
      const inside = b.top >= -1 && b.left >= -1 && b.bottom <= height + 1 && b.right <= width + 1;
      assert.ok(inside, `${where}: ${name}[${i}] at ${JSON.stringify(b)} fits ${width}x${height}`);
    });
  }
}

/** Every canvas label fits its box: the painter's cut report is empty on every scene. */
async function assertNoCuts(scope, where) {
  const cuts = await scope.$$eval(".scene canvas", (cs) => cs.map((c) => c.dataset.cut ?? "(not drawn)"));
  assert.ok(cuts.length > 0, `${where}: scenes drawn`);
  cuts.forEach((cut, i) => assert.equal(cut, "", `${where}: scene ${i} cut ${cut}`));
}

/** Plays a little and steps, so labels of a running scene are checked too. */
async function playABit(page) {
  await page.click("#play");
  await page.waitForTimeout(700);
  await page.click("#play");
  await page.keyboard.press("ArrowRight");
  await page.waitForTimeout(100);
}

for (const lesson of LESSONS) {
  test(`${lesson}: at 1280x800 the stage, the controls and the narration fit without scrolling`, async () => {
    const { page, problems, close } = await openPage(env.browser, { width: 1280, height: 800 });
    await page.goto(`${env.server.origin}/?lesson=${lesson}`);
    await waitForApp(page);
    const player = { stage: ".stage .scene", play: "#play", step: "button[title^='Step forward']", scrub: ".controls .scrub", narration: "#narration", question: ".player-head h1" };
    assertInside(await boxes(page, player), 1280, 800, "learner");
    await assertNoCuts(page, "learner at start");
    await playABit(page);
    assertInside(await boxes(page, player), 1280, 800, "learner after play");
    await assertNoCuts(page, "learner after play");
    assert.equal(await page.evaluate(() => scrollY), 0, "nothing scrolled the page");
    // At the end every heading says "done in": the model's name is still whole.
    await page.goto(`${env.server.origin}/?lesson=${lesson}&t=3600000`);
    await waitForApp(page);
    const cut = await page.$$eval(".scene-head h3", (hs) => hs.filter((h) => h.scrollWidth > h.clientWidth + 1).map((h) => h.textContent));
    assert.deepEqual(cut, [], "scene headings whole at the end");
    assert.deepEqual(problems(), []);
    await close();
  });

  test(`${lesson}: at 1920x1080 in presentation mode it all fits, canvas text >= 24 px, narration >= 28 px`, async () => {
    const { page, problems, close } = await openPage(env.browser, { width: 1920, height: 1080 });
    await page.goto(`${env.server.origin}/?lesson=${lesson}&present=1`);
    await waitForApp(page);
    const header = await boxes(page, { header: "header.topbar" });
    assert.ok(header.header.every((b) => b === null), "the header is hidden");
    const player = { stage: ".stage .scene", play: "#play", scrub: ".controls .scrub", narration: "#narration" };
    assertInside(await boxes(page, player), 1920, 1080, "classroom");
    await playABit(page);
    assertInside(await boxes(page, player), 1920, 1080, "classroom after play");
    await assertNoCuts(page, "classroom");
    const smallest = await page.$$eval(".scene canvas", (cs) => Math.min(...cs.map((c) => Number(c.dataset.minText))));
    assert.ok(smallest >= 24, `canvas text at least 24 px (smallest ${smallest})`);
    const text = await page.$$eval("#narration, .log-line, .player-head h1", (es) =>
      es.filter((e) => e.getClientRects().length).map((e) => [e.id || e.className, parseFloat(getComputedStyle(e).fontSize)]),
    );
    for (const [name, size] of text) assert.ok(size >= 28, `${name} at ${size}px`);
    assert.deepEqual(problems(), []);
    await close();
  });
}

test("presentation mode on a 1366x768 laptop and a phone: nothing is cut", async () => {
  for (const [width, height] of [[1366, 768], [375, 740]]) {
    const { page, problems, close } = await openPage(env.browser, { width, height });
    for (const lesson of ["convoy", "three-waits"]) {
      await page.goto(`${env.server.origin}/?lesson=${lesson}&present=1`);
      await waitForApp(page);
      await assertNoCuts(page, `${lesson} presented at ${width}x${height}`);
      await playABit(page);
      await assertNoCuts(page, `${lesson} presented at ${width}x${height}, playing`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      assert.ok(overflow <= 0, `no sideways scroll at ${width}: ${overflow}px`);
    }
    assert.deepEqual(problems(), []);
    await close();
  }
});

test("on a 375x740 phone the controls stay on screen and every model's progress shows", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 375, height: 740 });
  await page.goto(`${env.server.origin}/?lesson=convoy`);
  await waitForApp(page);
  const models = await page.$$eval(".stage .scene", (s) => s.map((e) => e.dataset.model));
  assert.ok(models.length >= 2, "convoy compares models");
  const strip = await page.$$eval(".model-strip .strip-model", (s) => s.length);
  assert.equal(strip, models.length, "the strip names every model");
  const first = { strip: ".model-strip .strip-model", play: "#play", scene: ".stage .scene:first-child canvas" };
  assertInside(await boxes(page, first), 375, 740, "phone");
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 375, "no sideways scroll");
  await page.click("#play");
  await page.mouse.wheel(0, 1500);
  await page.waitForTimeout(300);
  // The control bar is fixed to the screen's bottom, so Play stays under the thumb.
  assertInside(await boxes(page, { play: "#play" }), 375, 740, "phone scrolled");
  // A tap on a strip entry brings that model's panel to the stage.
  await page.click("#play");
  await page.evaluate(() => scrollTo(0, 0));
  await page.click(`.model-strip .strip-model >> nth=${models.length - 1}`);
  await page.waitForTimeout(600);
  const last = await boxes(page, { last: `.stage .scene[data-model="${models.at(-1)}"] canvas` });
  assert.ok(last.last[0] && last.last[0].left >= -1 && last.last[0].right <= 376, "the chosen model is on screen");
  await assertNoCuts(page, "phone");
  assert.deepEqual(problems(), []);
  await close();
});

test("in a 700x560 iframe on another site, with no host script, Play and every model show", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 760, height: 640 });
  for (const lesson of LESSONS) {
    const blog = await serve(undefined, {
      "/post.html": `<!doctype html><title>Post</title><link rel="icon" href="data:,"><body style="margin:0"><iframe src="${env.server.origin}/?lesson=${lesson}&embed=1" width="700" height="560" style="border:0" sandbox="allow-scripts allow-same-origin"></iframe></body>`,
    });
    await page.goto(`${blog.origin}/post.html`);
    const frame = await (await page.waitForSelector("iframe")).contentFrame();
    await frame.waitForSelector("html[data-app-ready]", { state: "attached", timeout: 30_000 });
    // The question stays in the embed, as a strip over the stage, with every choice in the frame.
    const found = await boxes(frame, { play: "#play", scenes: ".stage .scene", choices: ".predict .choice" });
    assert.ok(found.choices.length >= 2, `${lesson}: the embed asks its question`);
    assertInside(found, 700, 560, `embed of ${lesson}`);
    const names = await frame.$$eval(".stage .scene", (s) => s.map((e) => e.dataset.model));
    assert.ok(names.length >= 1, `${lesson}: models shown`);
    // Labels change as the run goes on: check at several moments while it plays.
    await frame.click("#play");
    for (let i = 0; i < 8; i++) {
      await page.waitForTimeout(150);
      await assertNoCuts(frame, `embed of ${lesson}, look ${i + 1}`);
    }
    await blog.close();
  }
  assert.deepEqual(problems(), []);
  await close();
});

test("with the host script, the embed grows to fit but stays under 900 px", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 760, height: 900 });
  await page.goto(`${env.server.origin}/?lesson=convoy`);
  await waitForApp(page);
  await page.getByRole("button", { name: "Embed" }).click();
  const snippet = await page.inputValue("#embed-snippet");
  const blog = await serve(undefined, { "/post.html": `<!doctype html><title>Post</title><link rel="icon" href="data:,"><body style="margin:0;width:700px">${snippet}</body>` });
  await page.goto(`${blog.origin}/post.html`);
  const frame = await (await page.waitForSelector("iframe")).contentFrame();
  await frame.waitForSelector("html[data-app-ready]", { state: "attached", timeout: 30_000 });
  await page.waitForTimeout(800);
  const height = await page.$eval("iframe", (f) => f.getBoundingClientRect().height);
  assert.ok(height < 900, `the embed is ${height}px tall`);
  await blog.close();
  assert.deepEqual(problems(), []);
  await close();
});
