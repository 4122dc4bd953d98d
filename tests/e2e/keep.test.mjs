// Nothing lost: autosave with full storage and with two tabs, links that reopen the exact step,
// scenarios too large for a link, and the run downloaded as a Perfetto trace.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { openPage, settledEvent, suite, waitForApp } from "./browser.mjs";

const env = suite();

/** Changes task 1's first step to `ms` in the editor and waits for the edit to apply. */
async function edit(page, ms) {
  if (!(await page.$eval("#editor", (d) => d.open))) await page.click("#editor summary");
  await page.getByLabel("Task 1 step 1 milliseconds").fill(String(ms));
  await page.waitForFunction(() => document.querySelector("#lesson-picker").value === "custom");
}

async function downloaded(page, click) {
  const [download] = await Promise.all([page.waitForEvent("download"), click()]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), "utf8") };
}

test("with storage full, an edit says it was not saved and Export JSON keeps it", async () => {
  const { page, context, problems, close } = await openPage(env.browser);
  // Every localStorage write fails the way a full quota does.
  await context.addInitScript(() => {
    const set = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (this === window.localStorage) throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      return set.call(this, key, value);
    };
  });
  await page.goto(`${env.server.origin}/?lesson=three-waits`);
  await waitForApp(page);
  await edit(page, 1234);
  await page.waitForSelector("#save-notice");
  assert.match(await page.textContent("#save-notice"), /not saved in this browser \(this browser's storage is full\)/);
  const file = await downloaded(page, () => page.click("#save-notice button"));
  assert.equal(file.name, "scenario.json");
  assert.equal(JSON.parse(file.text).tasks[0].steps[0].ms, 1234, "the exported file holds the edit");
  assert.deepEqual(problems(), []);
  await close();
});

test("two tabs keep their own scenarios, and a later visit can open either", async () => {
  const { page, context, problems, close } = await openPage(env.browser);
  const other = await context.newPage();
  for (const [tab, ms] of [
    [page, 1111],
    [other, 2222],
  ]) {
    await tab.goto(`${env.server.origin}/?lesson=three-waits`);
    await waitForApp(tab);
    await edit(tab, ms);
  }
  // The first tab edits again after the second: neither overwrites the other.
  await edit(page, 1112);
  const saved = await page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => /^concurrency-kitchen:tab:[^:]+$/.test(k))
      .map((k) => JSON.parse(localStorage.getItem(k)).tasks[0].steps[0].ms)
      .sort(),
  );
  assert.deepEqual(saved, [1112, 2222]);
  await other.close();
  // A new visit lists both and opens the older one.
  const later = await context.newPage();
  await later.goto(`${env.server.origin}/`);
  await waitForApp(later);
  await later.click("#editor summary");
  // The opened editor renders its list on the next frame, later on a loaded machine.
  await later.waitForFunction(() => document.querySelectorAll("#recent li").length >= 2, null, { timeout: 10_000 });
  assert.equal(await later.$$eval("#recent li", (l) => l.length), 2);
  await later.locator("#recent li").nth(1).getByRole("button").click();
  await later.waitForFunction(() => document.querySelector("#lesson-picker").value === "custom");
  assert.equal(await later.getByLabel("Task 1 step 1 milliseconds").inputValue(), "2222");
  await later.close();
  assert.deepEqual(problems(), []);
  await close();
});

test("Copy link at a step among several at the same instant reopens that step", async () => {
  const { page, context, problems, close } = await openPage(env.browser);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.server.origin });
  await page.goto(`${env.server.origin}/?lesson=three-waits&model=asyncio`);
  await waitForApp(page);
  // The first two events (A starts, A awaits) both happen at 0 ms: an address by time alone
  // cannot tell them apart, so the first of them needs its ordinal.
  await page.getByRole("button", { name: "Step forward", exact: true }).click();
  assert.equal(await settledEvent(page, 1), 1);
  await page.getByRole("button", { name: "Copy link" }).click();
  await page.waitForSelector(".copied");
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /[?&]t=0~1(&|$)/);
  const again = await context.newPage();
  await again.goto(link);
  await waitForApp(again);
  assert.equal(await settledEvent(again, 1), 1);
  await again.close();
  assert.deepEqual(problems(), []);
  await close();
});

test("a scenario too large for a link is refused with a message, kept in the tab, and exported", async () => {
  const { page, context, problems, close } = await openPage(env.browser);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.server.origin });
  await page.goto(`${env.server.origin}/?lesson=ten-thousand`);
  await waitForApp(page);
  await edit(page, 999);
  await page.waitForSelector("#link-notice");
  assert.match(await page.textContent("#link-notice"), /too large for a link/);
  assert.match(page.url(), /\?lesson=custom$/, "the address bar holds no link the app would refuse");
  await page.getByRole("button", { name: "Copy link" }).click();
  await page.waitForSelector(".copied");
  assert.match(await page.textContent(".copied"), /Not copied: this scenario is too large for a link/);
  // Nor can it be embedded: a reader's frame would open another lesson.
  await page.getByRole("button", { name: "Embed" }).click();
  assert.match(await page.textContent("#embed-refused"), /cannot be embedded/);
  assert.equal(await page.$("#embed-snippet"), null, "no snippet that would show the wrong lesson");
  await page.keyboard.press("Escape");
  const file = await downloaded(page, () => page.click("#link-notice button"));
  assert.equal(JSON.parse(file.text).tasks.length, 10_000);
  // A reload in the same tab reopens it from the tab's autosave.
  await page.reload();
  await waitForApp(page);
  assert.equal(await page.$eval("#lesson-picker", (s) => s.value), "custom");
  await page.click("#editor summary");
  assert.equal(await page.getByLabel("Task 1 step 1 milliseconds").inputValue(), "999");
  assert.deepEqual(problems(), []);
  await close();
});

test("Download trace gives Chrome Trace Event JSON with a process per model and a track per lane", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/?lesson=gather-overlap`);
  await waitForApp(page);
  const scenes = await page.$$eval(".scene", (s) => s.map((x) => x.dataset.model));
  const file = await downloaded(page, () => page.getByRole("button", { name: "Download trace" }).click());
  assert.equal(file.name, "concurrency-kitchen-gather-overlap.trace.json");
  const trace = JSON.parse(file.text);
  const processes = trace.traceEvents.filter((e) => e.ph === "M" && e.name === "process_name");
  assert.deepEqual(
    processes.map((p) => p.args.name.split(" ")[0]),
    scenes,
  );
  assert.ok(trace.traceEvents.some((e) => e.ph === "X" && e.cat === "state"));
  assert.ok(trace.traceEvents.some((e) => e.ph === "s") && trace.traceEvents.some((e) => e.ph === "f"), "wake-to-resume flows");
  assert.deepEqual(problems(), []);
  await close();
});

test("a worker whose WebAssembly cannot load says why within two seconds", async () => {
  const { cp, mkdtemp, readdir, rm, writeFile } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { join, resolve } = await import("node:path");
  const { serve } = await import("./server.mjs");
  const dir = await mkdtemp(join(tmpdir(), "kitchen-broken-worker-"));
  await cp(resolve("dist"), dir, { recursive: true });
  const wasm = (await readdir(dir)).find((f) => /^worker-.*_bg\.wasm$/.test(f));
  await writeFile(join(dir, wasm), "this is not WebAssembly");
  const broken = await serve(dir);
  const { page, problems, close } = await openPage(env.browser);
  try {
    await page.goto(`${broken.origin}/?lesson=three-waits`);
    await waitForApp(page);
    // The worker loads on first use: a measurement asks for it.
    const started = Date.now();
    await page.click("#measure");
    await page.waitForSelector('#worker-status[data-worker="unavailable"]', { timeout: 5_000 });
    const took = Date.now() - started;
    assert.ok(took < 2_000, `reported after ${took} ms`);
    assert.match(await page.textContent("#worker-status"), /WebAssembly could not start/);
    assert.deepEqual(problems(), []);
  } finally {
    await close();
    await broken.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("the editor quotes input it cannot read instead of calling it 0", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/?lesson=three-waits`);
  await waitForApp(page);
  await page.click("#editor summary");
  const workers = page.locator("li.model", { hasText: "threads" }).first().getByPlaceholder("default");
  await workers.fill("3x");
  await page.waitForSelector("#editor-error");
  assert.match(await page.textContent("#editor-error"), /workers: expected a whole number, got "3x"/);
  assert.doesNotMatch(await page.textContent("#editor-error"), /got 0/);
  await page.getByLabel("Task 1 step 1 milliseconds").fill("abc");
  await page.waitForFunction(() => /expected a number of milliseconds, got "abc"/.test(document.querySelector("#editor-error")?.textContent ?? ""));
  assert.deepEqual(problems(), []);
  await close();
});
