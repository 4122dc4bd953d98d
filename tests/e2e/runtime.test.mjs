// Issue 15 on the page: the runtime menus (Python, OS, task factory) run a lesson as a variant
// of itself and back; the mixed program where one task fails (TaskGroup, a thread pool, plain
// code); the eager task factory's print order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, suite, waitForApp } from "./browser.mjs";

const env = suite();
const query = (page) => page.evaluate(() => location.search);

test("task-group: B's failure stops plain code, cancels the TaskGroup's tasks, and the pool runs on", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 1280, height: 800 });
  await page.goto(`${env.server.origin}/?lesson=task-group&speed=8`);
  await waitForApp(page);
  await page.getByRole("button", { name: "C: about 3 s", exact: true }).click();
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForSelector("#takeaway", { timeout: 60_000 });
  assert.match(await page.textContent("#reveal"), /Right/);
  const latencies = (await page.textContent(".latencies")).replace(/\s+/g, " ");
  assert.match(latencies, /sync: A 1\.0 s · B raised at 1\.2 s · C never ran · D never ran/);
  assert.match(latencies, /asyncio: A cancelled at 200\.\d+ ms · B raised at 200\.\d+ ms/);
  assert.match(latencies, /threads: A 1\.0 s · B raised at 200\.\d+ ms · C 2\.0 s · D 3\.0\d* s/);
  // The event log says why, in order.
  const log = await page.$$eval(".log-line", (ls) => ls.map((l) => l.textContent).join("\n"));
  assert.match(log, /raises its exception: its TaskGroup cancels every other task at once/);
  assert.match(log, /CancelledError reaches D at its await/);
  assert.match(await page.textContent(".legend"), /raised an exception/);
  assert.deepEqual(problems(), []);
  await close();
});

test("eager-tasks: the question's order, then the task factory menu shows the lazy order as a variant", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 1280, height: 800 });
  await page.goto(`${env.server.origin}/?lesson=eager-tasks&speed=8`);
  await waitForApp(page);
  assert.equal(await page.$eval("#runtime-tasks-head", (s) => s.value), "eager");
  await page.locator(".predict .choice").nth(1).click();
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForSelector("#takeaway", { timeout: 30_000 });
  assert.match(await page.textContent("#reveal"), /Right/);
  // Lazy: a variant of the lesson, which asks nothing, says so, and has its own link.
  await page.selectOption("#runtime-tasks-head", "lazy");
  await page.waitForFunction(() => new URLSearchParams(location.search).get("task_factory") === "lazy");
  assert.equal(await page.$(".predict .choice"), null, "the variant asks nothing");
  assert.match(await page.textContent(".runtime.head .runtime-note"), /asked on eager tasks/);
  // Its first event is main creating the tasks, before either starts.
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => /main\(\) has created its tasks: each waits in the ready queue/.test(document.querySelector("#narration").textContent));
  // A reload keeps the variant; "Back to" returns to the lesson as written.
  await page.reload();
  await waitForApp(page);
  assert.equal(await page.$eval("#runtime-tasks-head", (s) => s.value), "lazy");
  await page.getByRole("button", { name: "Back to eager tasks" }).click();
  // The question is back, answered as before the reload (this tab keeps its prediction).
  await page.waitForSelector(".predict");
  assert.equal(await query(page), "?lesson=eager-tasks&speed=8");
  assert.deepEqual(problems(), []);
  await close();
});

test("the Python and OS menus: a lesson's pool spawns on macOS, and a version its models lack is offered disabled", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 1280, height: 800 });
  await page.goto(`${env.server.origin}/?lesson=cpu-processes`);
  await waitForApp(page);
  assert.equal(await page.$eval("#runtime-python-head", (s) => s.value), "3.14");
  await page.selectOption("#runtime-os-head", "macos");
  await page.waitForFunction(() => new URLSearchParams(location.search).get("os") === "macos");
  assert.match(await page.textContent(".runtime.head .runtime-note"), /asked on Linux/);
  // Stepping to the first spawn: the narration tells a fresh interpreter starting.
  await page.$eval(".controls input[type=range]", (el) => {
    el.value = el.max;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
  const cells = await page.$$eval("table.results tbody tr[data-model=processes] td.cpython", (t) => t.map((c) => c.textContent));
  assert.deepEqual(cells, ["—"], "CPython's measured figures are about the lesson's own OS");
  // cpu-interpreters cannot run on 3.9: the option is there, disabled, and says why.
  await page.goto(`${env.server.origin}/?lesson=cpu-interpreters`);
  await waitForApp(page);
  const old = await page.$eval("#runtime-python-head option[value='3.9']", (o) => [o.disabled, o.title]);
  assert.equal(old[0], true);
  assert.match(old[1], /3\.9/);
  // A link asking for it is said and ignored.
  await page.goto(`${env.server.origin}/?lesson=cpu-interpreters&python=3.9`);
  await waitForApp(page);
  assert.match(await page.textContent("#notice"), /3\.9/);
  assert.ok(await page.$(".predict .choice"), "the lesson as written, with its question");
  assert.deepEqual(problems(), []);
  await close();
});

test("on a phone the menus sit with the lesson's text, and a variant's note stays by the title", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 375, height: 740 });
  await page.goto(`${env.server.origin}/?lesson=convoy&python=3.13`);
  await waitForApp(page);
  assert.equal(await page.isVisible("#runtime-python-head"), false);
  assert.equal(await page.isVisible("#runtime-python-intro"), true);
  assert.equal(await page.$eval("#runtime-python-intro", (s) => s.value), "3.13");
  assert.ok(await page.isVisible(".runtime.head .runtime-note"));
  assert.deepEqual(problems(), []);
  await close();
});

test("while playing, the narration holds a sentence a few times a second but never stays behind", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 1280, height: 800 });
  await page.goto(`${env.server.origin}/?lesson=three-waits&question=0`);
  await waitForApp(page);
  await page.getByRole("button", { name: "Play", exact: true }).click();
  // Past the start's flurry of events, nothing happens for almost two seconds: by then the
  // sentence (and its count) must be the latest event's, not one held from the flurry.
  await page.waitForFunction(() => /^1\.[2-9]/.test(document.querySelector(".controls .time").textContent), null, { timeout: 10_000 });
  const shown = await page.textContent("#narration-title");
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  assert.equal(await page.textContent("#narration-title"), shown, "pausing shows the same event");
  // And the log's highlighted line is the one the sentence speaks of.
  const current = await page.textContent(".log li.current .log-line");
  assert.ok(current.includes((await page.textContent("#narration")).replace(/^.*?: /, "").slice(0, 30)), current);
  assert.deepEqual(problems(), []);
  await close();
});
