// The race lessons in a real browser: the learner as scheduler, with the keyboard only, to a
// lost update; refusals greyed and explained; a replay link; embed and presentation mode.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, suite, waitForApp } from "./browser.mjs";

const env = suite();

test("counter-race: the keyboard alone loses an update on 3.9, and the replay link shows it", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/?lesson=counter-race`);
  await waitForApp(page);
  assert.equal(await page.$eval("#lesson-picker", (s) => s.value), "counter-race");
  assert.equal(await page.locator("#race-histogram").count(), 0, "no runs before the answer");
  const press = async (key, n) => {
    for (let i = 0; i < n; i++) await page.keyboard.press(key);
  };
  // A runs to its read of the counter; B runs a whole iteration; A writes back its old value.
  await press("a", 6);
  assert.match(await page.textContent(".thread.t0 .holds"), /holds 0/);
  await press("b", 11);
  assert.equal(await page.textContent("#race-value"), "1");
  for (let i = 0; i < 10 && !(await page.$("#race-status.won")); i++) await page.keyboard.press("a");
  assert.ok(await page.$("#race-status.won"), "an update was lost");
  assert.match(await page.textContent("#race-shared"), /LOST UPDATE/);
  assert.match(await page.textContent("#race-log li.current"), /update lost/);
  assert.match(await page.textContent("#race-shared"), /last written by A/);
  // Undo takes it back; the address bar carries the moves.
  await page.keyboard.press("u");
  assert.equal(await page.$("#race-status.won"), null);
  await page.keyboard.press("a");
  const url = page.url();
  assert.match(url, /lesson=counter-race&moves=A{6}B{11}A+$/);
  const again = await env.browser.newPage();
  await again.goto(url);
  await waitForApp(again);
  // The moves replay as the race view mounts: on a loaded machine, a moment after the app is ready.
  const replayed = await again.waitForSelector("#race-status.won", { timeout: 10_000 }).catch(() => null);
  assert.ok(replayed, "the replay link shows the lost update");
  await again.close();
  // Answering the question shows 200 runs beside real CPython's figures.
  await page.getByRole("button", { name: /Fewer/ }).click();
  assert.match(await page.textContent("#race-reveal"), /^Right\./);
  assert.match(await page.textContent("#race-histogram"), /200 seeded runs[\s\S]*Real CPython 3\.9 here/);
  assert.deepEqual(problems(), []);
  await close();
});

test("counter-race: 3.12 greys out a switch between the read and the write, and says why", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/?lesson=counter-race&python=3.12`);
  await waitForApp(page);
  await page.keyboard.press("a");
  await page.keyboard.press("a");
  assert.equal(await page.getAttribute("#race-run-b", "aria-disabled"), "true");
  await page.keyboard.press("b");
  assert.match(await page.textContent("#race-status"), /cannot switch here/);
  // A bad link is noted and the rest still loads.
  await page.goto(`${env.server.origin}/?lesson=counter-race&python=2.7&moves=AAAAB`);
  await waitForApp(page);
  assert.match(await page.textContent("#notice"), /unknown Python "2\.7"/);
  assert.equal(await page.locator("#race-log li:not(.empty)").count(), 4, "replayed up to the refused move");
  assert.deepEqual(problems(), []);
  await close();
});

test("refcount-race: embedded and in presentation mode", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 700, height: 560 });
  await page.goto(`${env.server.origin}/?lesson=refcount-race&embed=1`);
  await waitForApp(page);
  for (const sel of ["#race-run-a", "#race-run-b", "#race-shared", "#race-auto"]) {
    const box = await page.locator(sel).boundingBox();
    assert.ok(box && box.y + box.height <= 560, `${sel} is visible in a 700x560 embed`);
  }
  for (const t of [0, 1, 0, 0, 1, 1]) await page.keyboard.press(t ? "b" : "a");
  assert.ok(await page.$("#race-status.won"), "A's increment was lost: the count is too low");
  await close();
  const room = await openPage(env.browser, { width: 1920, height: 1080 });
  await room.page.goto(`${env.server.origin}/?lesson=refcount-race&counts=gil&present=1`);
  await waitForApp(room.page);
  // The clicker's first PageDown reveals the answer; the next ones step.
  await room.page.keyboard.press("PageDown");
  assert.match(await room.page.textContent("#race-reveal"), /The answer is [A-D]\) 1, 2 or 3/);
  assert.equal(await room.page.locator("#race-log li:not(.empty)").count(), 0);
  for (let i = 0; i < 6; i++) await room.page.keyboard.press("PageDown");
  assert.match(await room.page.textContent("#race-shared"), /right/);
  const box = await room.page.locator("#race-shared").boundingBox();
  assert.ok(box.y + box.height <= 1080, "the shared memory is on screen");
  assert.deepEqual(problems(), []);
  assert.deepEqual(room.problems(), []);
  await room.close();
});
