// Predict before you see: for every lesson, the page states no result (the phrases the lesson
// marks, as `trace --json` lists them in stated_results) anywhere outside the question until the
// run has reached its end; after an answer and the whole run, the reveal holds the answer and
// the held-back phrases are shown.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { openPage, suite, waitForApp } from "./browser.mjs";

const LESSONS = [
  "three-waits", "gather-overlap", "blocking-in-async", "cpu-in-loop", "cpu-threads-gil", "io-threads",
  "cpu-processes", "cpu-interpreters", "convoy", "native-release", "free-threaded", "hybrid-executor", "async-to-thread", "semaphore-crawler", "eager-tasks", "task-group", "ten-thousand",
];

const env = suite();

function stated(lesson) {
  const out = execFileSync("cargo", ["run", "--quiet", "--locked", "--bin", "trace", "--", "--lesson", lesson, "--json"], { encoding: "utf8" });
  return JSON.parse(out).stated_results;
}

/** Whether `phrase` stands in `text` as itself: "2 s" is not in "12 s", "0.2 s" or "2 seconds". */
function holds(text, phrase) {
  for (let i = text.indexOf(phrase); i >= 0; i = text.indexOf(phrase, i + 1)) {
    const before = text[i - 1] ?? "";
    const after = text[i + phrase.length] ?? "";
    if (!/[\d.,]/.test(before) && !/[\p{L}\d]/u.test(after)) return true;
  }
  return false;
}

/** All the page's text (collapsed sections included) but the question's. */
const textOutsideQuestion = (page) =>
  page.evaluate(() => {
    const copy = document.querySelector("#app, body").cloneNode(true);
    copy.querySelectorAll(".predict, script, style").forEach((n) => n.remove());
    return copy.textContent.replace(/\s+/g, " ");
  });

for (const lesson of LESSONS) {
  test(`${lesson}: nothing states a result before the reveal, and the reveal shows it`, async () => {
    const phrases = stated(lesson);
    assert.ok(phrases.length > 0);
    const { page, problems, close } = await openPage(env.browser, { width: 1280, height: 800 });
    await page.goto(`${env.server.origin}/?lesson=${lesson}&speed=8`);
    await waitForApp(page);
    const choices = await page.$$eval(".predict .choice", (b) => b.map((x) => x.textContent));
    assert.ok(choices.length >= 2, "the question is asked first");
    // The code panel shows one model's code at a time: read each tab's.
    const tabs = await page.$$(".code .tabs button");
    for (const tab of [null, ...tabs]) {
      if (tab) await tab.click();
      const before = await textOutsideQuestion(page);
      for (const p of phrases) assert.ok(!holds(before, p), `${lesson} states "${p}" before the reveal`);
    }
    assert.ok((await page.$$(".held")).length > 0, "the held-back results are marked as such");
    const introHeld = (await page.$$(".intro .held")).length;
    // The run's length is an answer too: the clock reads alone until the reveal.
    assert.doesNotMatch(await page.textContent(".controls .time"), /\//);

    // Answer (the first choice), play the whole run.
    await page.locator(".predict .choice").first().click();
    await page.getByRole("button", { name: "Play", exact: true }).click();
    await page.waitForSelector("#takeaway", { timeout: 60_000 });
    const reveal = await page.textContent("#reveal");
    const correct = await page.evaluate(() => document.querySelector("#reveal").dataset.answer);
    assert.ok(correct && reveal.includes(correct), `the reveal names the answer: ${reveal}`);
    assert.equal((await page.$$(".intro .held, .code .held, .results .held")).length, 0, "nothing is held back any more");
    assert.match(await page.textContent(".controls .time"), / \/ /);
    const intro = (await page.textContent(".intro")).replace(/\s+/g, " ");
    assert.equal((await page.$$(".intro .stated")).length, introHeld, "the intro marks what it had held back");
    assert.ok(!intro.includes("…"), intro);
    assert.deepEqual(problems(), []);
    await close();
  });
}

test("presentation mode with PageDown only: the question, the reveal, then the whole run", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 1920, height: 1080 });
  await page.goto(`${env.server.origin}/?lesson=gather-overlap&present=1&speed=4`);
  await waitForApp(page);
  // Class mode: lettered options, large enough for the back of the room.
  const options = await page.$$eval(".predict .choice", (bs) => bs.map((b) => [b.textContent, parseFloat(getComputedStyle(b).fontSize)]));
  assert.deepEqual(options.map(([t]) => t), [
    "AA starting, A done, B starting, B done",
    "BA starting, B starting, A done, B done",
    "CA starting, B starting, B done, A done",
  ]);
  assert.equal(await page.getAttribute(".predict", "data-kind"), "print order");
  for (const [text, px] of options) assert.ok(px >= 40, `${text} at ${px}px`);
  // A teacher's count of hands, then the clicker.
  await page.getByLabel("Hands for A").fill("4");
  await page.getByLabel("Hands for B").fill("11");
  await page.keyboard.press("PageDown");
  await page.waitForSelector("#reveal");
  assert.match(await page.textContent("#reveal"), /The answer: C\) A starting, B starting, B done, A done\./);
  assert.match(await page.textContent("#reveal .tallied"), /11/);
  assert.match(await page.textContent("#reveal .why"), /longest wait, not the sum/);
  await page.keyboard.press("PageDown");
  await page.waitForFunction(() => /^3\.0 s \/ 3\.0 s$/.test(document.querySelector(".controls .time").textContent), null, { timeout: 30_000 });
  assert.ok(await page.$("#takeaway"));
  // Past the end (the clock reads 3.0 s a moment before the run stops), the clicker moves on
  // along the path, and the next lesson asks first.
  await page.waitForFunction(() => /Play/.test(document.querySelector("#play").textContent));
  await page.keyboard.press("PageDown");
  await page.waitForFunction(() => new URLSearchParams(location.search).get("lesson") === "blocking-in-async");
  await page.waitForSelector(".predict .choice");
  assert.equal(await page.$("#reveal"), null, "the next question is open");
  assert.deepEqual(problems(), []);
  await close();
});

test("by keyboard alone the focus follows the question: choice, Reveal now, Show me; Skip can be taken back", async () => {
  const { page, problems, close } = await openPage(env.browser, { width: 1280, height: 800 });
  await page.goto(`${env.server.origin}/?lesson=cpu-in-loop`);
  await waitForApp(page);
  const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);
  const choice = page.getByRole("button", { name: "B: crunch: ping waits for it", exact: true });
  await choice.focus();
  await page.keyboard.press("Space");
  await page.waitForSelector("#reveal-now-link");
  assert.equal(await focused(), "reveal-now-link", "the focus moves on to Reveal now");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#reveal");
  assert.equal(await focused(), "show-me", "then to Show me");
  assert.match(await page.textContent("#reveal"), /Right: B\) crunch/);
  // Skip, then take it back.
  await page.goto(`${env.server.origin}/?lesson=convoy`);
  await waitForApp(page);
  await page.getByRole("button", { name: "Skip", exact: true }).click();
  await page.waitForSelector("#predict-again");
  assert.equal(await page.locator(".predict .choice").count(), 0);
  await page.click("#predict-again");
  assert.equal(await page.locator(".predict .choice").count(), 3, "the choices are back");
  assert.deepEqual(problems(), []);
  await close();
});
