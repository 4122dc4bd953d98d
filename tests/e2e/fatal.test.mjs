// A WebAssembly trap (what running out of memory ends in) skips Rust's panic hook; the page
// must still show the error panel with a Reload button, never go blank.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, suite, waitForApp } from "./browser.mjs";

const env = suite();

for (const [how, script] of [
  ["in a task", () => setTimeout(() => { throw new WebAssembly.RuntimeError("unreachable"); })],
  ["in a promise", () => { Promise.reject(new WebAssembly.RuntimeError("memory access out of bounds")); }],
]) {
  test(`a WebAssembly trap ${how} shows the error panel, not a blank page`, async () => {
    const { page, problems, close } = await openPage(env.browser);
    await page.goto(env.server.origin + "/?lesson=convoy");
    await waitForApp(page);
    await page.evaluate(script);
    await page.waitForSelector(".fatal[role=alert]", { timeout: 5_000 });
    assert.match(await page.textContent(".fatal h1"), /went wrong/);
    assert.match(await page.textContent(".fatal p"), /out of memory/);
    assert.match(await page.textContent(".fatal pre"), /RuntimeError/);
    assert.ok(await page.isVisible(".fatal button"), "a Reload button");
    // The trap itself is the only problem reported.
    assert.ok(problems().every((p) => /unreachable|memory access out of bounds/.test(p)), problems().join("\n"));
    await page.click(".fatal button");
    await waitForApp(page);
    await close();
  });
}

test("a tiny link that would need gigabytes loads at once with a notice, not a blank page", async () => {
  // One 1 ms task, hybrid, 1 core, 1,024 workers, 60 s start-up (once: 4 GB, then blank).
  const json = JSON.stringify({
    tasks: [{ name: "A", steps: [{ kind: "cpu", ms: 1 }] }],
    models: [{ id: "hybrid", workers: 1024, cores: 1, startup_ms: 60000 }],
  });
  const link = "/?scenario=" + Buffer.from(json).toString("base64url");
  const { page, problems, close } = await openPage(env.browser);
  const started = Date.now();
  await page.goto(env.server.origin + link);
  await waitForApp(page);
  const notice = await page.textContent("#notice");
  assert.match(notice, /too large to simulate/);
  assert.match(notice, /fewer workers/);
  // Measured from navigation, the app's own start-up included.
  assert.ok(Date.now() - started < 10_000, "loaded promptly");
  assert.equal(await page.$(".fatal"), null);
  assert.deepEqual(problems(), []);
  await close();
});
