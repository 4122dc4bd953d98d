// The offline mode against the release build, served from a sub-path: the whole app is stored
// on the first visit; a dead or stalled network, or a captive portal answering every address,
// still opens the app; a new release replaces the old cache.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SUB_PATH } from "./server.mjs";
import { openPage, startWorker, suite, waitForApp } from "./browser.mjs";

const env = suite();
const CACHE_PREFIX = "concurrency-kitchen-";

/** Polls `check` (an async function of nothing) until it returns true, or fails after `ms`. */
async function until(check, what, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

/** Waits until the service worker has stored this release and controls the page. */
async function installed(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  const release = await page.$eval('meta[name="concurrency-kitchen-release"]', (m) => m.content);
  await until(
    () =>
      page.evaluate(
        async (want) => navigator.serviceWorker.controller !== null && (await caches.keys()).includes(want),
        CACHE_PREFIX + release,
      ),
    "the service worker to store the release",
  );
}

async function cacheNames(page) {
  return page.evaluate(async () => (await caches.keys()).sort());
}

async function release(page) {
  return page.$eval('meta[name="concurrency-kitchen-release"]', (m) => m.content);
}

/** The app shows the lesson and its measurement worker answers. */
async function appWorks(page, lesson) {
  await waitForApp(page);
  assert.equal(await page.$eval("#lesson-picker", (s) => s.value), lesson);
  await startWorker(page);
}

const url = (query) => `${env.server.origin}${SUB_PATH}${query}`;

test("after exactly one visit the whole app opens offline, worker included", async () => {
  const { page, context, problems, close } = await openPage(env.browser);
  await page.goto(url("?lesson=convoy"));
  await waitForApp(page);
  await installed(page);
  const stored = await page.evaluate(async () => {
    const cache = await caches.open((await caches.keys())[0]);
    return (await cache.keys()).map((r) => new URL(r.url).pathname.split("/").pop());
  });
  for (const kind of [/^index\.html$/, /^app-.*\.wasm$/, /^style-.*\.css$/, /^worker-.*_loader\.js$/, /^worker-.*_bg\.wasm$/]) {
    assert.ok(stored.some((f) => kind.test(f)), `${kind} is precached: ${stored}`);
  }
  await context.setOffline(true);
  await page.goto(url("?lesson=three-waits"));
  await appWorks(page, "three-waits");
  await context.setOffline(false);
  assert.deepEqual(problems(), []);
  await close();
});

test("a stalled network falls back to the stored app within seconds", async () => {
  const { page, problems, close } = await openPage(env.browser);
  await page.goto(url("?lesson=convoy"));
  await waitForApp(page);
  await installed(page);
  env.server.mode = "stall";
  try {
    const started = Date.now();
    await page.goto(url("?lesson=gather-overlap"), { timeout: 20_000 });
    await appWorks(page, "gather-overlap");
    const took = Date.now() - started;
    assert.ok(took < 15_000, `opened after ${took} ms`);
  } finally {
    env.server.mode = "normal";
  }
  assert.deepEqual(problems(), []);
  await close();
});

test("a captive portal's 200 page neither replaces nor poisons the stored app", async () => {
  const { page, context, problems, close } = await openPage(env.browser);
  await page.goto(url("?lesson=convoy"));
  await waitForApp(page);
  await installed(page);
  const ours = await release(page);
  env.server.mode = "portal";
  try {
    await page.goto(url("?lesson=io-threads"));
    await appWorks(page, "io-threads");
    assert.doesNotMatch(await page.textContent("body"), /Hotel Wi-Fi/);
  } finally {
    env.server.mode = "normal";
  }
  // The stored page is still the app's own, offline too.
  await context.setOffline(true);
  await page.goto(url("?lesson=convoy"));
  await appWorks(page, "convoy");
  assert.equal(await release(page), ours);
  await context.setOffline(false);
  assert.deepEqual(problems(), []);
  await close();
});

test("a first visit through a captive portal stores nothing of the portal", async () => {
  const { page, problems, close } = await openPage(env.browser);
  env.server.mode = "portal";
  try {
    await page.goto(url(""));
    assert.match(await page.textContent("h1"), /Hotel Wi-Fi/);
  } finally {
    env.server.mode = "normal";
  }
  await page.goto(url("?lesson=convoy"));
  await waitForApp(page);
  await installed(page);
  const page0 = await page.evaluate(async () => {
    const hit = await caches.match(new URL("index.html", document.baseURI).href);
    return hit ? hit.text() : "";
  });
  assert.match(page0, /concurrency-kitchen-release/);
  assert.doesNotMatch(page0, /Hotel Wi-Fi/);
  assert.deepEqual(problems(), []);
  await close();
});

/** A copy of dist/ as the next release: one changed, renamed stylesheet and a new release id. */
async function nextRelease() {
  const dir = await mkdtemp(join(tmpdir(), "kitchen-release-"));
  await cp(resolve("dist"), dir, { recursive: true });
  const css = (await readdir(dir)).find((f) => /^style-.*\.css$/.test(f));
  const css2 = "style-2222222222222222.css";
  await writeFile(join(dir, css2), (await readFile(join(dir, css), "utf8")) + "\n:root { --kitchen-release: 2; }\n");
  await rm(join(dir, css));
  const id = "2222222222222222";
  let index = (await readFile(join(dir, "index.html"), "utf8")).split(css).join(css2);
  index = index.replace(/(href="\.\/style-2222222222222222\.css") integrity="[^"]*"/, "$1");
  index = index.replace(/name="concurrency-kitchen-release" content="[0-9a-f]+"/, `name="concurrency-kitchen-release" content="${id}"`);
  await writeFile(join(dir, "index.html"), index);
  let sw = (await readFile(join(dir, "sw.js"), "utf8")).split(css).join(css2);
  sw = sw.replace(/^const RELEASE = "[0-9a-f]+";$/m, `const RELEASE = "${id}";`);
  await writeFile(join(dir, "sw.js"), sw);
  return { dir, id };
}

test("a new release takes over: its own cache, the old one deleted, offline on the new one", async () => {
  const { page, context, problems, close } = await openPage(env.browser);
  await page.goto(url("?lesson=convoy"));
  await waitForApp(page);
  await installed(page);
  const [first] = await cacheNames(page);
  const next = await nextRelease();
  env.server.setRoot(next.dir);
  try {
    await page.reload();
    await waitForApp(page);
    assert.equal(await release(page), next.id, "online, the new release shows at once");
    await until(
      async () => JSON.stringify(await cacheNames(page)) === JSON.stringify([`${CACHE_PREFIX}${next.id}`]),
      "the new release's cache, alone",
    );
    assert.notEqual(first, `${CACHE_PREFIX}${next.id}`);
    await context.setOffline(true);
    await page.goto(url("?lesson=three-waits"));
    await appWorks(page, "three-waits");
    assert.equal(await release(page), next.id);
    const marker = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--kitchen-release").trim());
    assert.equal(marker, "2", "the new release's stylesheet came from its cache");
    await context.setOffline(false);
  } finally {
    env.server.setRoot(resolve("dist"));
    await rm(next.dir, { recursive: true, force: true });
  }
  assert.deepEqual(problems(), []);
  await close();
});
