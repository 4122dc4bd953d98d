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
    assert.ok(problems().every((p) => /RuntimeError/.test(p)), problems().join("\n"));
    await page.click(".fatal button");
    await waitForApp(page);
    await close();
  });
}
