// The visualizer, lesson by lesson, in a real browser: play to the end and read the totals,
// step forward and back, watch the canvas change, drive it from the keyboard.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { eventNumber, openPage, settledEvent, stableEvent, suite, waitForApp, canvasColours, canvasHash } from "./browser.mjs";

const LESSONS = [
  "three-waits", "gather-overlap", "blocking-in-async", "cpu-in-loop", "cpu-threads-gil", "io-threads",
  "cpu-processes", "cpu-interpreters", "convoy", "native-release", "free-threaded", "hybrid-executor", "async-to-thread", "semaphore-crawler", "eager-tasks", "task-group", "ten-thousand",
];

// The totals CPython gives (LESSONS.md), as the results table must print them.
const GOLDEN = {
  "three-waits": { sync: "6.0 s", threads: "2.0 s", asyncio: "2.0 s" },
  "gather-overlap": { asyncio: "2.0 s" },
  "blocking-in-async": { asyncio: "6.0 s" },
};

/** The simulation's own totals, from the native CLI's JSON, to check the page against. */
function simulated(lesson) {
  const out = execFileSync("cargo", ["run", "--quiet", "--locked", "--bin", "trace", "--", "--lesson", lesson, "--json"], {
    encoding: "utf8",
  });
  return JSON.parse(out).models;
}

/** "6.0 s" -> 6000, "250 ms" -> 250, "0.5 ms" -> 0.5 */
function parseTotal(text) {
  const m = text.trim().match(/^([\d.]+) (s|ms)$/);
  assert.ok(m, `a total like "6.0 s": ${JSON.stringify(text)}`);
  return Number(m[1]) * (m[2] === "s" ? 1000 : 1);
}

const narration = (page) => page.textContent("#narration");
const currentLine = (page) => page.$eval(".code", (c) => c.querySelector(".line.current")?.textContent ?? "");

const env = suite();

for (const lesson of LESSONS) {
  describe(`lesson ${lesson}`, () => {
    test("plays to the end and shows the simulated totals", async () => {
      const expected = simulated(lesson);
      const { page, problems, close } = await openPage(env.browser);
      await page.goto(`${env.server.origin}/?lesson=${lesson}&speed=8`);
      await waitForApp(page);
      assert.equal(await page.$eval("#lesson-picker", (s) => s.value), lesson);
      await page.getByRole("button", { name: "Play", exact: true }).click();
      await page.getByRole("button", { name: "Pause", exact: true }).waitFor({ timeout: 5_000 });
      await page.waitForSelector("#takeaway", { timeout: 30_000 });
      await page.getByRole("button", { name: "Play", exact: true }).waitFor();
      const rows = await page.$$eval("table.results tbody tr", (trs) =>
        trs.map((tr) => [tr.dataset.model, tr.querySelector("td.total .value").textContent]),
      );
      assert.equal(rows.length, Object.keys(expected).length, "every model has a row");
      for (const [model, text] of rows) {
        const want = expected[model].makespan_ms;
        const got = parseTotal(text);
        // The table rounds: "6.0 s" to a tenth of a second, milliseconds to a tenth.
        const tolerance = got >= 1000 ? 50 : 0.5;
        assert.ok(Math.abs(got - want) <= tolerance, `${lesson}/${model}: table ${text}, simulated ${want} ms`);
        if (GOLDEN[lesson]?.[model]) assert.equal(text, GOLDEN[lesson][model], `${lesson}/${model} golden`);
      }
      if (lesson === "ten-thousand") {
        const headers = await page.$$eval("table.results th", (ths) => ths.map((t) => t.textContent));
        assert.ok(headers.includes("Memory reserved") && headers.includes("Memory resident"), headers.join());
      }
      assert.deepEqual(problems(), []);
      await close();
    });

    test("stepping forward then back returns the same narration and line; the canvas changes", async () => {
      const { page, problems, close } = await openPage(env.browser);
      await page.goto(`${env.server.origin}/?lesson=${lesson}`);
      await waitForApp(page);
      // Scrubbed to the end, then reset: the answer is revealed, so reaching the end on the way
      // does not change the time axis (before the reveal it reaches further: Session::horizon).
      await page.$eval(".controls input[type=range]", (el) => {
        el.value = el.max;
        el.dispatchEvent(new Event("input", { bubbles: true }));
      });
      await page.waitForSelector("#reveal");
      await page.keyboard.press("Home");
      await page.waitForFunction(() => /event 0 of/.test(document.querySelector("#narration-title").textContent));
      const canvas = ".scene canvas";
      assert.ok((await canvasColours(page, canvas)) > 3, "not blank");
      const forward = page.getByRole("button", { name: "Step forward", exact: true });
      const back = page.getByRole("button", { name: "Step back", exact: true });
      // A step moves to the next moment (all models), which may hold several events.
      for (let i = 0; i < 3; i++) await forward.click();
      const third = await stableEvent(page);
      assert.ok(third >= 3, `three steps reach event ${third}`);
      const [text, line, hash] = [await narration(page), await currentLine(page), await canvasHash(page, canvas)];
      for (let i = 0; i < 4; i++) await forward.click();
      const seventh = await stableEvent(page);
      assert.ok(seventh > third, `four more steps move on from event ${third} to ${seventh}`);
      const later = await Promise.all(
        [...(await page.$$(".scene"))].map((_, i) => canvasHash(page, `.scene:nth-child(${i + 1}) canvas`)),
      );
      for (let i = 0; i < 4; i++) await back.click();
      assert.equal(await settledEvent(page, third), third, "four steps back return to the same moment");
      assert.equal(await narration(page), text, "same narration after forward then back");
      assert.equal(await currentLine(page), line, "same highlighted line after forward then back");
      assert.equal(await canvasHash(page, canvas), hash, "same picture after forward then back");
      const now = await Promise.all(later.map((_, i) => canvasHash(page, `.scene:nth-child(${i + 1}) canvas`)));
      assert.notDeepEqual(now, later, "some scene changed between the third and the seventh step");
      assert.deepEqual(problems(), []);
      await close();
    });
  });
}

test("Step forward visits every event, the last one included", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/?lesson=gather-overlap`);
  await waitForApp(page);
  const total = Number((await page.textContent("#narration-title")).match(/of (\d+)/)[1]);
  const forward = page.getByRole("button", { name: "Step forward", exact: true });
  // Each press moves to the next moment, which may hold several events: at most `total` presses.
  let presses = 0;
  while (!(await forward.isDisabled()) && presses < total) {
    await forward.click();
    presses += 1;
  }
  assert.ok(presses >= 2, `more than one step: ${presses}`);
  assert.equal(await settledEvent(page, total), total);
  assert.equal(await forward.isDisabled(), true, "nothing left to step to");
  assert.ok(await page.isVisible("#takeaway"), "the end of the run");
  assert.deepEqual(problems(), []);
  await close();
});

test("keyboard: Space plays and pauses, arrows and clicker keys step, Home resets", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/?lesson=convoy&speed=0.25`);
  await waitForApp(page);
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("ArrowRight");
  const first = await stableEvent(page);
  assert.ok(first >= 1, `one step: event ${first}`);
  await page.keyboard.press("ArrowRight");
  const second = await stableEvent(page);
  assert.ok(second > first, `two steps: event ${second}`);
  await page.keyboard.press("PageDown");
  assert.ok((await stableEvent(page)) > second, "the clicker's PageDown steps forward");
  await page.keyboard.press("PageUp");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await settledEvent(page, first), first, "PageUp and ArrowLeft step back");
  await page.keyboard.press("Space");
  await page.getByRole("button", { name: "Pause", exact: true }).waitFor({ timeout: 5_000 });
  await page.keyboard.press("Space");
  await page.getByRole("button", { name: "Play", exact: true }).waitFor({ timeout: 5_000 });
  await page.keyboard.press("Home");
  assert.equal(await settledEvent(page, 0), 0);
  assert.equal(await page.getByRole("button", { name: "Reset", exact: true }).isDisabled(), true);
  assert.deepEqual(problems(), []);
  await close();
});

test("the URL's model and speed are honoured", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/?lesson=three-waits&model=asyncio&speed=2`);
  await waitForApp(page);
  assert.deepEqual(await page.$$eval(".scene", (s) => s.map((x) => x.dataset.model)), ["asyncio"]);
  assert.equal(await page.$eval(".speed select", (s) => s.value), "2");
  assert.deepEqual(problems(), []);
  await close();
});

test("choosing a lesson updates the page and the address", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/`);
  await waitForApp(page);
  await page.selectOption("#lesson-picker", "convoy");
  await page.waitForFunction(() => document.querySelector("#lesson-title").textContent.includes("convoy"));
  assert.match(page.url(), /lesson=convoy/);
  assert.deepEqual(problems(), []);
  await close();
});

test("where CPython varies from run to run the table shows a range, and every lesson says how faithful it is", async () => {
  // An I/O thread beside two CPU-bound threads: which GIL waiter the OS wakes changes the run.
  const steps = Array.from({ length: 30 }, () => [{ kind: "await_io", ms: 1 }, { kind: "cpu", ms: 0.01 }]).flat();
  const scenario = {
    tasks: [
      { name: "reader", steps },
      { name: "cpu1", steps: [{ kind: "cpu", ms: 400 }] },
      { name: "cpu2", steps: [{ kind: "cpu", ms: 400 }] },
    ],
    models: [{ id: "threads" }],
  };
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(`${env.server.origin}/?scenario=${Buffer.from(JSON.stringify(scenario)).toString("base64url")}&speed=8`);
  await waitForApp(page);
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForSelector("#takeaway", { timeout: 30_000 });
  const latencies = await page.textContent("ul.latencies");
  assert.match(latencies, /reader [\d.]+ m?s \([\d.]+ m?s-[\d.]+ m?s across 20 runs\)/, latencies);
  const note = page.locator("details#faithful");
  await note.locator("summary").click();
  const text = await note.textContent();
  assert.match(text, /How faithful is this\?/);
  assert.match(text, /Measured on real CPython/);
  assert.match(text, /the OS picks which one wakes/);
  assert.deepEqual(problems(), []);
  await close();
});
