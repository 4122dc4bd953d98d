// Share, embed, present and edit, in a real browser: links reproduce views, the embed works in
// a sandboxed iframe on another origin and grows to fit, clicker keys drive presentation mode,
// edits validate inline and survive a reload, and garbage links never break the page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { serve } from "./server.mjs";
import { canvasHash, eventNumber, openPage, settledEvent, stableEvent, suite, waitForApp } from "./browser.mjs";

const env = suite();


test("a link reproduces the view, and Copy link gives one that does", async () => {
  const { page, context, problems, close } = await openPage(env.browser);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.server.origin });
  await page.goto(`${env.server.origin}/?lesson=convoy&model=threads&t=300&speed=2&theme=dark`);
  await waitForApp(page);
  const state = () =>
    page.evaluate(() => ({
      lesson: document.querySelector("#lesson-picker").value,
      scenes: [...document.querySelectorAll(".scene")].map((s) => s.dataset.model),
      time: document.querySelector(".controls .time").textContent,
      speed: document.querySelector(".speed select").value,
      theme: document.documentElement.dataset.theme,
    }));
  const first = await state();
  assert.deepEqual(first, { lesson: "convoy", scenes: ["threads"], time: first.time, speed: "2", theme: "dark" });
  // The run's length waits for the reveal: the clock reads alone.
  assert.match(first.time, /^300 ms$/);
  assert.match(page.url(), /\?lesson=convoy&model=threads&speed=2&theme=dark$/, "the address bar holds the view");
  await page.getByRole("button", { name: "Copy link" }).click();
  await page.waitForSelector(".copied");
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /t=300/);
  const again = await env.browser.newPage();
  await again.goto(link);
  await waitForApp(again);
  const second = await again.evaluate(() => ({
    lesson: document.querySelector("#lesson-picker").value,
    time: document.querySelector(".controls .time").textContent,
    theme: document.documentElement.dataset.theme,
  }));
  assert.deepEqual(second, { lesson: "convoy", time: first.time, theme: "dark" });
  await again.close();
  assert.deepEqual(problems(), []);
  await close();
});

test("the embed works in a sandboxed iframe on another site and grows to fit", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/?lesson=gather-overlap`);
  await waitForApp(page);
  await page.getByRole("button", { name: "Embed" }).click();
  const snippet = await page.inputValue("#embed-snippet");
  assert.match(snippet, /loading="lazy"/);
  assert.match(snippet, /title="Concurrency Kitchen: /);
  assert.match(snippet, /embed=1/);
  await page.keyboard.press("Escape");
  assert.equal(await page.$("#embed-snippet"), null, "Escape closes the dialog");

  // A blog on another origin pastes the snippet.
  const blog = await serve(undefined, { "/post.html": `<!doctype html><title>My post</title><link rel="icon" href="data:,"><h1>My post</h1>${snippet}<p>After.</p>` });
  try {
    await page.goto(`${blog.origin}/post.html`);
    const frameElement = await page.waitForSelector("iframe[data-concurrency-kitchen]");
    assert.equal(await frameElement.getAttribute("sandbox"), "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox");
    const frame = await frameElement.contentFrame();
    await frame.waitForSelector(".embed-bar", { timeout: 30_000 });
    assert.match(await frame.textContent(".embed-bar"), /Open in full app/);
    // The way out opens the full app in a new tab (the snippet's sandbox allows that popup).
    const [full] = await Promise.all([page.context().waitForEvent("page"), frame.click(".embed-bar a")]);
    await full.waitForLoadState();
    assert.match(full.url(), /lesson=gather-overlap/);
    assert.doesNotMatch(full.url(), /embed=/);
    await full.close();
    assert.equal(await frame.$("header.topbar"), null, "minimal chrome");
    await frame.getByRole("button", { name: "Step forward", exact: true }).click();
    await frame.waitForFunction(() => /event [1-9]\d* of/.test(document.querySelector("#narration-title").textContent));
    await page.waitForFunction(() => {
      const f = document.querySelector("iframe[data-concurrency-kitchen]");
      return f.style.height && f.style.height !== "720px";
    }, null, { timeout: 10_000 });
    const height = await frameElement.evaluate((f) => parseInt(f.style.height, 10));
    assert.ok(height >= 240 && height <= 4000, `resized to ${height}px`);
  } finally {
    await blog.close();
  }
  assert.deepEqual(problems(), []);
  await close();
});

test("presentation mode: big type, high contrast, clicker keys, F toggles, idle cursor hides", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 1920, height: 1080 });
  await page.goto(`${env.server.origin}/?lesson=three-waits&present=1`);
  await waitForApp(page);
  const root = () => page.evaluate(() => ({ cls: document.documentElement.className, theme: document.documentElement.dataset.theme }));
  assert.match((await root()).cls, /present/);
  assert.equal((await root()).theme, "contrast");
  const size = await page.$eval("#narration", (e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(size >= 28, `narration at ${size}px`);
  const body = await page.$eval(".intro p", (e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(body >= 28, `body text at ${body}px`);
  // The clicker: the reveal first, then Play, then pause, then a step at a time.
  await page.keyboard.press("PageDown");
  await page.waitForSelector("#reveal");
  assert.equal(await stableEvent(page), 0, "the reveal moves nothing");
  await page.keyboard.press("PageDown");
  await page.getByRole("button", { name: "Pause", exact: true }).waitFor({ timeout: 5_000 });
  await page.keyboard.press("PageDown");
  await page.getByRole("button", { name: "Play", exact: true }).waitFor({ timeout: 5_000 });
  const first = await stableEvent(page);
  assert.ok(first >= 1, `played to event ${first}`);
  await page.keyboard.press("PageDown");
  assert.ok((await stableEvent(page)) > first, "then PageDown steps on");
  await page.keyboard.press("PageUp");
  assert.equal(await settledEvent(page, first), first, "PageUp steps back");
  await page.mouse.move(200, 200);
  await page.waitForFunction(() => document.documentElement.classList.contains("cursor-idle"), null, { timeout: 6_000 });
  // The class follows the key press after the next render: wait for it, then check.
  const presenting = (on) =>
    page.waitForFunction((on) => document.documentElement.classList.contains("present") === on, on, { timeout: 5_000 });
  await page.keyboard.press("f");
  await presenting(false);
  assert.doesNotMatch((await root()).cls, /present/);
  await page.keyboard.press("F");
  await presenting(true);
  assert.match((await root()).cls, /present/);
  assert.deepEqual(problems(), []);
  await close();
});

test("predict, then reveal", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/?lesson=three-waits&speed=8`);
  await waitForApp(page);
  // Each choice is named with its letter, as the room hears it.
  await page.getByRole("button", { name: "C: 5 s or more", exact: true }).click();
  assert.match(await page.textContent(".predict"), /You predicted C\) 5 s or more/);
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForSelector("#reveal", { timeout: 30_000 });
  assert.match(await page.textContent("#reveal"), /Not quite: you said C\) 5 s or more\. The answer is A\) under 3 s\./);
  assert.match(await page.textContent("#reveal .why"), /I am waiting, run someone else/);
  // "Show me" jumps to the moment that proves it (asyncio's last wait ending); the answer stays.
  await page.click("#show-me");
  await page.waitForFunction(() => /^2\.0 s \/ 6\.0 s$/.test(document.querySelector(".controls .time").textContent));
  assert.match(await page.textContent("#reveal"), /The answer is A\) under 3 s/);
  assert.deepEqual(problems(), []);
  await close();
});

test("the editor validates inline, applies edits, and a reload loses nothing", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/?lesson=three-waits&speed=8`);
  await waitForApp(page);
  await page.click("#editor summary");
  const ms = page.getByLabel("Task 1 step 1 milliseconds");
  await ms.fill("-5");
  await page.waitForSelector("#editor-error");
  assert.match(await page.textContent("#editor-error"), /tasks\[0\]\.steps\[0\]\.ms/);
  assert.match(await page.textContent(".field-error"), /./);
  assert.equal(await page.$eval("#lesson-picker", (s) => s.value), "three-waits", "an invalid edit is not applied");
  await ms.fill("1500");
  await page.waitForFunction(() => document.querySelector("#lesson-picker").value === "custom");
  assert.equal(await page.$("#editor-error"), null);
  assert.match(page.url(), /scenario=/);
  await page.reload();
  await waitForApp(page);
  assert.equal(await page.$eval("#lesson-picker", (s) => s.value), "custom");
  await page.click("#editor summary");
  assert.equal(await page.getByLabel("Task 1 step 1 milliseconds").inputValue(), "1500");
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForSelector("#takeaway", { timeout: 30_000 });
  assert.equal(await page.textContent('tr[data-model="sync"] td.total .value'), "5.5 s");
  // A fresh visit starts on the default lesson but offers the saved scenario back.
  await page.goto(`${env.server.origin}/`);
  await waitForApp(page);
  await page.click("#editor summary");
  await page.getByRole("button", { name: "Open my last scenario" }).click();
  await page.waitForFunction(() => document.querySelector("#lesson-picker").value === "custom");
  assert.deepEqual(problems(), []);
  await close();
});

test("the editor sets a task's start time and a pool's chunksize, refuses garbage, and keeps them over a reload", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/?lesson=three-waits&speed=8`);
  await waitForApp(page);
  await page.click("#editor summary");
  const start = page.getByLabel("Task 3 starts at, in milliseconds");
  await start.fill("abc");
  await page.waitForSelector("#editor-error");
  assert.match(await page.textContent("#editor-error"), /tasks\[2\]\.start_ms/);
  await start.fill("500");
  await page.waitForFunction(() => document.querySelector("#lesson-picker").value === "custom");
  await page.reload();
  await waitForApp(page);
  await page.click("#editor summary");
  assert.equal(await page.getByLabel("Task 3 starts at, in milliseconds").inputValue(), "500");
  // Three 2 s waits, C submitted 0.5 s in: sync still takes the sum, C's latency counts from 0.5 s.
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForSelector("#takeaway", { timeout: 30_000 });
  assert.equal(await page.textContent('tr[data-model="sync"] td.total .value'), "6.0 s");
  // chunksize is offered for processes only.
  if (!(await page.$eval("#editor", (d) => d.open))) await page.click("#editor summary");
  const processes = page.locator("li.model", { hasText: "processes" });
  await processes.locator('input[type="checkbox"]').check();
  await processes.getByText("chunksize").locator("input").fill("4");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("scenario") !== null);
  assert.equal(await page.locator("li.model", { hasText: "threads" }).first().getByText("chunksize").count(), 0);
  assert.deepEqual(problems(), []);
  await close();
});

test("JSON import refuses a bad file with a message and takes a good one", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/`);
  await waitForApp(page);
  await page.click("#editor summary");
  const input = page.locator('#editor input[type="file"]');
  await input.setInputFiles({ name: "bad.json", mimeType: "application/json", buffer: Buffer.from('{"tasks": [{"name": "A", "steps": [{"kind": "teleport", "ms": 1}]}]}') });
  await page.waitForSelector("text=The file was not imported");
  const good = { tasks: [{ name: "solo", steps: [{ kind: "cpu", ms: 250 }] }], models: [{ id: "sync" }, { id: "threads" }] };
  await input.setInputFiles({ name: "good.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(good)) });
  await page.waitForFunction(() => document.querySelector("#lesson-picker").value === "custom");
  assert.deepEqual(await page.$$eval(".scene", (s) => s.map((x) => x.dataset.model)), ["sync", "threads"]);
  assert.deepEqual(problems(), []);
  await close();
});

test("garbage links load the default lesson with a notice, never a blank page or injected markup", async () => {
  // Far too long for a link: refused before it is even decoded.
  const huge = Buffer.from(JSON.stringify({ tasks: Array.from({ length: 3000 }, () => ({ name: "x", steps: [{ kind: "cpu", ms: 1 }] })) })).toString("base64url");
  const links = [
    "?lesson=../../etc/passwd&speed=NaN&t=abc&theme=%3Cb%3Ebold%3C/b%3E&model=%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E",
    "?scenario=%%%zz&embed=yes",
    `?scenario=${huge}&lesson=convoy`,
    "?lesson=" + "x".repeat(5000),
    "?&&&=&lesson&&speed=",
  ];
  for (const link of links) {
    const { page, problems, close } = await openPage(env.browser);
    await page.goto(`${env.server.origin}/${link}`);
    await waitForApp(page);
    assert.ok(await page.isVisible("#notice"), `a notice for ${link.slice(0, 60)}`);
    assert.ok(await page.isVisible(".scene canvas"));
    assert.equal(await page.$$eval("img, b", (e) => e.length), 0, "nothing injected");
    assert.deepEqual(problems(), [], link.slice(0, 60));
    await close();
  }
});

test("with reduced motion, Play steps from event to event", async () => {
  const { page, problems, close } = await openPage(env.browser, { reducedMotion: "reduce" });
  await page.goto(`${env.server.origin}/?lesson=three-waits&speed=8`);
  await waitForApp(page);
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForFunction(() => Number(document.querySelector("#narration-title").textContent.match(/event (\d+)/)[1]) >= 3, null, { timeout: 10_000 });
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  const n = await eventNumber(page);
  const time = await page.textContent(".controls .time");
  await page.waitForTimeout(500);
  assert.equal(await settledEvent(page, n), n, "paused");
  assert.equal(await page.textContent(".controls .time"), time);
  assert.deepEqual(problems(), []);
  await close();
});

test("offline: after one visit the app loads without a network", async () => {
  const { page, context, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/concurrency-kitchen/?lesson=convoy`);
  await waitForApp(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  // A second load goes through the service worker and fills its cache.
  await page.reload();
  await waitForApp(page);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.waitForTimeout(500);
  await context.setOffline(true);
  await page.goto(`${env.server.origin}/concurrency-kitchen/?lesson=three-waits`);
  await waitForApp(page);
  assert.equal(await page.$eval("#lesson-picker", (s) => s.value), "three-waits");
  await context.setOffline(false);
  await close();
});

test("the canvases redraw when the theme changes while paused", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/?lesson=convoy&theme=light`);
  await waitForApp(page);
  await page.getByRole("button", { name: "Step forward", exact: true }).click();
  const light = await canvasHash(page, ".scene canvas");
  // What stays of the scene (labels, rows, axis) is a canvas of its own, behind the picture.
  const backdrop = await canvasHash(page, ".scene canvas.backdrop");
  await page.selectOption("#theme-picker", "dark");
  await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  await page.waitForTimeout(300);
  assert.notEqual(await canvasHash(page, ".scene canvas"), light, "the scene was redrawn in the dark palette");
  assert.notEqual(await canvasHash(page, ".scene canvas.backdrop"), backdrop, "and its backdrop too");
  assert.match(page.url(), /theme=dark/);
  assert.deepEqual(problems(), []);
  await close();
});

test("an embed offers no presentation mode, keeps the question, and question=0 turns it off", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/?lesson=three-waits&embed=1`);
  await waitForApp(page);
  await page.keyboard.press("f");
  assert.doesNotMatch(await page.evaluate(() => document.documentElement.className), /present/);
  assert.equal(await page.locator(".predict .choice").count(), 3, "the question, as a strip");
  await page.locator(".predict .choice").first().click();
  await page.getByRole("button", { name: "Reveal now" }).click();
  await page.waitForSelector("#reveal");
  await page.locator("#reveal summary").click();
  assert.match(await page.textContent("#reveal .why"), /I am waiting, run someone else/);
  assert.equal(await page.$("#next-lesson"), null, "an embed stays on its lesson");
  await page.goto(`${env.server.origin}/?lesson=three-waits&embed=1&question=0`);
  await waitForApp(page);
  assert.equal(await page.$(".predict"), null, "no question");
  assert.doesNotMatch(await page.textContent("#narration"), /predict/);
  assert.deepEqual(problems(), []);
  await close();
});

test("the editor keeps at least one model", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/?lesson=gather-overlap`);
  await waitForApp(page);
  await page.click("#editor summary");
  await page.getByLabel("sync", { exact: true }).uncheck();
  await page.waitForFunction(() => document.querySelectorAll(".scene").length === 1);
  assert.equal(await page.getByLabel("asyncio", { exact: true }).isDisabled(), true);
  assert.deepEqual(await page.$$eval(".scene", (s) => s.map((x) => x.dataset.model)), ["asyncio"]);
  assert.deepEqual(problems(), []);
  await close();
});

test("the editor sets the Python version and the OS, and the pool's default start method follows", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/?lesson=hybrid-executor`);
  await waitForApp(page);
  await page.click("#editor summary");
  // The form is built once the details element says it opened (its toggle event).
  await page.waitForSelector(".editor .params select");
  const method = () => page.$eval(".editor .params select option[value='']", (o) => o.textContent);
  assert.equal(await method(), "default (fork)", "3.12 on Linux forks");
  await page.selectOption("#editor-python", "3.14");
  await page.waitForFunction(() => document.querySelector("#lesson-picker").value === "custom");
  assert.equal(await method(), "default (forkserver)");
  await page.selectOption("#editor-os", "windows");
  await page.waitForFunction(() => /default \(spawn\)/.test(document.querySelector(".editor .models").textContent));
  assert.ok(new URL(page.url()).searchParams.get("scenario"), "the link carries the scenario");
  await page.reload();
  await waitForApp(page);
  // A reopened scenario may open its editor by itself.
  if (!(await page.$("#editor[open]"))) await page.click("#editor summary");
  await page.waitForSelector("#editor-python");
  assert.equal(await page.$eval("#editor-python", (s) => s.value), "3.14", "the link keeps the version");
  assert.equal(await page.$eval("#editor-os", (s) => s.value), "windows");
  assert.deepEqual(problems(), []);
  await close();
});
