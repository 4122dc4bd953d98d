// The adversarial pass of issue 12, by hand: bad links, failing storage, a dead, stalled or
// captive network, broken workers against the release build in dist/, then bad input to the
// CLI. Prints one line per input and the figures: tried, handled, lost, hung. Not a test (it
// passes or fails nothing); run `node scripts/adversarial.mjs` after a release build and
// `cargo build --bin trace`.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync, rmSync, mkdtempSync } from "node:fs";
import { serve } from "../tests/e2e/server.mjs";
import { launch, openPage, waitForApp } from "../tests/e2e/browser.mjs";
import { deflateRawSync } from "node:zlib";
import { cp, mkdtemp, readdir, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const server = await serve();
const browser = await launch();
const results = [];
const z1 = (text) => "z1." + deflateRawSync(Buffer.from(text)).toString("base64url");
const old = (text) => Buffer.from(text).toString("base64url");
const task = (i) => ({ name: `t${i}`, steps: [{ kind: "cpu", ms: 1 }] });
const rnd = (n) => Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join("");

const links = [
  ["empty", ""],
  ["unknown lesson", "?lesson=nope"],
  ["script lesson", "?lesson=%3Cscript%3Ealert(1)%3C/script%3E"],
  ["img model", "?model=%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E"],
  ["t negative", "?t=-1"],
  ["t huge", "?t=1e309"],
  ["t NaN", "?t=NaN"],
  ["t ordinal zero", "?t=5~0"],
  ["t ordinal huge", "?t=5~99999999999999999999"],
  ["t ordinal past the events", "?lesson=three-waits&t=0~9999"],
  ["t ordinal garbage", "?t=0~x~y"],
  ["t beyond end", "?t=3600000"],
  ["speed garbage", "?speed=1e400"],
  ["theme garbage", "?theme=" + "x".repeat(10000)],
  ["embed garbage", "?embed=maybe&present=2"],
  ["20k garbage params", "?" + Array.from({ length: 20000 }, (_, i) => `t=x${i}`).join("&")],
  ["repeated lessons", "?" + Array.from({ length: 2000 }, () => "lesson=convoy").join("&")],
  ["percent soup", "?%%%=%%&%zz=%&lesson=%E0%A4%A"],
  ["unicode", "?lesson=%F0%9F%94%A5&model=%E2%80%AE"],
  ["lesson=custom, nothing saved", "?lesson=custom"],
  ["model outside lesson", "?lesson=three-waits&model=processes"],
  ["scenario empty", "?scenario="],
  ["scenario garbage", "?scenario=%%%zz"],
  ["z1 bad base64", "?scenario=z1.!!!!"],
  ["z1 not deflate", "?scenario=z1.AAAAAAAA"],
  ["z1 bomb", "?scenario=" + z1('{"tasks":[]' + " ".repeat(2_000_000) + "}")],
  ["z1 invalid json", "?scenario=" + z1("{not json")],
  ["z1 invalid scenario", "?scenario=" + z1('{"tasks":[{"name":"A","steps":[{"kind":"cpu","ms":-5}]}]}')],
  ["z1 too many events", "?scenario=" + z1(JSON.stringify({ tasks: Array.from({ length: 20000 }, (_, i) => ({ name: `t${i}`, steps: Array.from({ length: 10 }, () => ({ kind: "cpu", ms: 1 })) })), models: [{ id: "threads" }] }))],
  ["z1 valid", "?scenario=" + z1(JSON.stringify({ tasks: [task(1), task(2)], models: [{ id: "sync" }] }))],
  ["old valid", "?scenario=" + old(JSON.stringify({ tasks: [task(1)], models: [{ id: "sync" }] }))],
  ["old invalid utf8", "?scenario=" + Buffer.from([0xff, 0xfe, 0x7b]).toString("base64url")],
  ["old too long", "?scenario=" + old(JSON.stringify({ tasks: Array.from({ length: 3000 }, (_, i) => task(i)) }))],
  ["z1 too long (incompressible)", "?scenario=" + z1(JSON.stringify({ tasks: Array.from({ length: 4000 }, (_, i) => ({ name: rnd(12) + i, steps: [{ kind: "cpu", ms: 1 }] })) }))],
  ["400 KB garbage link", "?lesson=" + "y".repeat(400_000)],
  ["null bytes", "?lesson=%00%00&scenario=%00"],
  ["long names", "?scenario=" + z1(JSON.stringify({ tasks: [{ name: "N".repeat(100000), steps: [{ kind: "cpu", ms: 1 }] }] }))],
  ["deep json", "?scenario=" + z1("[".repeat(100000))],
  ["huge numbers", "?scenario=" + z1('{"tasks":[{"name":"A","steps":[{"kind":"cpu","ms":1e308}]}]}')],
  ["duplicate keys", "?scenario=" + z1('{"tasks":[],"tasks":[{"name":"A","steps":[]}]}')],
];

async function tryLink(name, query) {
  const { page, problems, close } = await openPage(browser);
  const started = Date.now();
  let outcome = "handled";
  let detail = "";
  try {
    await page.goto(`${server.origin}/${query}`, { timeout: 30_000 });
    await waitForApp(page);
    const notice = (await page.$("#notice")) ? await page.textContent("#notice") : "";
    const injected = await page.$$eval("img, script:not([type]), b", (e) => e.filter((x) => !x.closest("head")).length);
    if (notice.length > 4000) { outcome = "lost"; detail = `notice of ${notice.length} chars`; }
    if (injected > 0) { outcome = "lost"; detail = "injected markup"; }
    if (!(await page.isVisible(".scene canvas"))) { outcome = "lost"; detail = "no stage"; }
    const p = problems();
    if (p.length) { outcome = "lost"; detail = p.join("; ").slice(0, 200); }
    if (!detail) detail = notice.slice(0, 100);
  } catch (e) {
    outcome = Date.now() - started > 25_000 ? "hung" : "crashed";
    detail = String(e).slice(0, 200);
  }
  results.push({ area: "links", name, outcome, ms: Date.now() - started, detail });
  await close();
}

for (const [name, q] of links) await tryLink(name, q);

// Storage: full, throwing on access, corrupted entries, sessionStorage missing.
const storageCases = [
  ["quota exceeded", () => { const s = Storage.prototype.setItem; Storage.prototype.setItem = function (k, v) { if (this === localStorage) throw new DOMException("q", "QuotaExceededError"); return s.call(this, k, v); }; }, "#save-notice"],
  ["security error on every write", () => { Storage.prototype.setItem = function () { throw new DOMException("no", "SecurityError"); }; }, "#save-notice"],
  ["localStorage getter throws", () => { Object.defineProperty(window, "localStorage", { get() { throw new DOMException("no", "SecurityError"); } }); }, "#save-notice"],
  ["sessionStorage getter throws", () => { Object.defineProperty(window, "sessionStorage", { get() { throw new DOMException("no", "SecurityError"); } }); }, null],
  ["corrupted saves", () => { try { localStorage.setItem("concurrency-kitchen:tab:x:meta", "{garbage"); localStorage.setItem("concurrency-kitchen:tab:y:meta", JSON.stringify({ tab: "y", saved_ms: 1, label: "<img src=x onerror=alert(1)>" })); localStorage.setItem("concurrency-kitchen:tab:y", "not json"); localStorage.setItem("concurrency-kitchen:scenario", "{{{"); } catch {} }, null],
  ["storage full after one save", () => { let n = 0; const s = Storage.prototype.setItem; Storage.prototype.setItem = function (k, v) { if (this === localStorage && ++n > 2) throw new DOMException("q", "QuotaExceededError"); return s.call(this, k, v); }; }, "#save-notice"],
];
for (const [name, init, expect] of storageCases) {
  const { page, context, problems, close } = await openPage(browser);
  const started = Date.now();
  let outcome = "handled", detail = "";
  try {
    await context.addInitScript(init);
    await page.goto(`${server.origin}/?lesson=three-waits`);
    await waitForApp(page);
    await page.click("#editor summary");
    for (const ms of [1500, 1600]) {
      await page.getByLabel("Task 1 step 1 milliseconds").fill(String(ms));
      await page.waitForFunction(() => document.querySelector("#lesson-picker").value === "custom", null, { timeout: 10_000 });
    }
    if (expect && !(await page.$(expect))) { outcome = "lost"; detail = `no ${expect}`; }
    if (name === "corrupted saves") {
      const items = await page.$$eval("#recent li", (l) => l.map((x) => x.textContent));
      detail = `recent: ${items.length}`;
      if (await page.$$eval("img", (e) => e.length)) { outcome = "lost"; detail = "injected"; }
    }
    await page.reload();
    await waitForApp(page);
    if (!(await page.isVisible(".scene canvas"))) { outcome = "lost"; detail = "blank after reload"; }
    const p = problems();
    if (p.length) { outcome = "lost"; detail = p.join("; ").slice(0, 200); }
  } catch (e) {
    outcome = Date.now() - started > 25_000 ? "hung" : "crashed";
    detail = String(e).slice(0, 200);
  }
  results.push({ area: "storage", name, outcome, ms: Date.now() - started, detail });
  await close();
}

// Offline: offline after a visit, stalled, portal, flaky (stall then recover), offline first visit.
async function visit(page) {
  await page.goto(`${server.origin}/concurrency-kitchen/?lesson=convoy`);
  await waitForApp(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  for (let i = 0; i < 100; i++) {
    if (await page.evaluate(async () => navigator.serviceWorker.controller !== null && (await caches.keys()).length > 0)) break;
    await new Promise((ok) => setTimeout(ok, 200));
  }
}
const netCases = [
  ["offline after one visit", async (ctx) => ctx.setOffline(true), async (ctx) => ctx.setOffline(false)],
  ["stalled network", async () => { server.mode = "stall"; }, async () => { server.mode = "normal"; }],
  ["captive portal 200", async () => { server.mode = "portal"; }, async () => { server.mode = "normal"; }],
  ["offline, then a lesson link with a scenario", async (ctx) => ctx.setOffline(true), async (ctx) => ctx.setOffline(false), "?scenario=" + z1(JSON.stringify({ tasks: [task(1)], models: [{ id: "sync" }] }))],
  ["stalled, deep link with t", async () => { server.mode = "stall"; }, async () => { server.mode = "normal"; }, "?lesson=convoy&model=threads&t=300~1"],
];
for (const [name, on, off, query] of netCases) {
  const { page, context, problems, close } = await openPage(browser);
  let outcome = "handled", detail = "";
  const started = Date.now();
  try {
    await visit(page);
    await on(context);
    const t0 = Date.now();
    await page.goto(`${server.origin}/concurrency-kitchen/${query ?? "?lesson=three-waits"}`, { timeout: 30_000 });
    await waitForApp(page);
    // The lesson is there to play (the worker loads only when first needed, so it is not
    // waited for: the stored copy's worker is checked by the worker cases below).
    await page.waitForSelector("#play", { timeout: 20_000 });
    detail = `opened in ${Date.now() - t0} ms`;
    const p = problems();
    if (p.length) { outcome = "lost"; detail = p.join("; ").slice(0, 200); }
  } catch (e) {
    outcome = Date.now() - started > 25_000 ? "hung" : "crashed";
    detail = String(e).slice(0, 200);
  } finally {
    await off(context);
  }
  results.push({ area: "offline", name, outcome, ms: Date.now() - started, detail });
  await close();
}

// Failing workers: broken wasm, missing worker script, a worker js that throws.
const workerCases = [
  ["worker wasm garbage", async (dir, files) => writeFile(join(dir, files.find((f) => /_bg\.wasm$/.test(f) && f.startsWith("worker-"))), "garbage")],
  ["worker wasm empty", async (dir, files) => writeFile(join(dir, files.find((f) => /_bg\.wasm$/.test(f) && f.startsWith("worker-"))), "")],
  ["worker js throws", async (dir, files) => writeFile(join(dir, files.find((f) => /^worker-[0-9a-f]+\.js$/.test(f))), "throw new Error('boom')")],
  ["worker js missing", async (dir, files) => rm(join(dir, files.find((f) => /^worker-[0-9a-f]+\.js$/.test(f))))],
];
for (const [name, breakIt] of workerCases) {
  const dir = await mkdtemp(join(tmpdir(), "kitchen-adv-"));
  await cp(resolve("dist"), dir, { recursive: true });
  await breakIt(dir, await readdir(dir));
  const broken = await serve(dir);
  const { page, problems, close } = await openPage(browser);
  let outcome = "handled", detail = "";
  const started = Date.now();
  try {
    await page.goto(`${broken.origin}/?lesson=three-waits`);
    await waitForApp(page);
    // The worker loads on first use: ask for it.
    const t0 = Date.now();
    await page.getByRole("button", { name: "Check my machine" }).click();
    await page.waitForSelector('#worker-status[data-worker="unavailable"]', { timeout: 25_000 });
    const took = Date.now() - t0;
    detail = `${took} ms: ${(await page.textContent("#worker-status")).slice(0, 120)}`;
    if (took > 2500) outcome = "hung";
    // A measurement with the broken worker also stops with its cause.
    await page.click("#measure");
    await page.waitForFunction(() => /stopped/.test(document.querySelector("#measure-status").textContent), null, { timeout: 10_000 });
    detail += " | " + (await page.textContent("#measure-status")).slice(0, 100);
    const p = problems().filter((x) => !/HTTP 404: .*worker-/.test(x));
    if (p.length) { outcome = "lost"; detail = p.join("; ").slice(0, 200); }
  } catch (e) {
    outcome = Date.now() - started > 25_000 ? "hung" : "crashed";
    detail = String(e).slice(0, 200);
  }
  results.push({ area: "worker", name, outcome, ms: Date.now() - started, detail });
  await close();
  await broken.close();
  await rm(dir, { recursive: true, force: true });
}

await browser.close();
await server.close();

// The CLI: each case either fails with "trace: ..." and status 1, or succeeds, within 20 s.
const trace = resolve("target/debug/trace");
const work = mkdtempSync(join(tmpdir(), "kitchen-adv-cli-"));
const at = (f) => join(work, f);
writeFileSync(at("bom.json"), '\ufeff{"tasks":[{"name":"A","steps":[{"kind":"cpu","ms":10}]}]}');
writeFileSync(at("latin1.json"), Buffer.from('{"tasks":[{"name":"caf\xe9"}]}', "latin1"));
writeFileSync(at("deep.json"), "[".repeat(100000));
writeFileSync(at("events.json"), JSON.stringify({ tasks: Array.from({ length: 20000 }, (_, i) => ({ name: `t${i}`, steps: Array.from({ length: 10 }, () => ({ kind: "cpu", ms: 1 })) })), models: [{ id: "threads" }] }));
writeFileSync(at("big.json"), " ".repeat(17 * 1024 * 1024));
writeFileSync(at("huge.json"), '{"tasks":[{"name":"A","steps":[{"kind":"cpu","ms":1e308}]}]}');
writeFileSync(at("empty.json"), "");
mkdirSync(at("dir"));
const sh = (cmd) => ["sh", ["-c", cmd]];
const cli = [
  ["non-UTF-8 argument", "fail", sh(`exec "${trace}" --lesson "$(printf '\\377')"`)],
  ["non-UTF-8 output path", "fail", sh(`exec "${trace}" --lesson convoy --output "/tmp/$(printf '\\377')"`)],
  ["empty argument", "fail", [trace, [""]]],
  ["100 KB argument", "fail", [trace, ["--lesson", "x".repeat(100_000)]]],
  ["width huge", "fail", [trace, ["--lesson", "convoy", "--width", "9".repeat(30)]]],
  ["width zero", "fail", [trace, ["--lesson", "convoy", "--width", "0"]]],
  ["missing value", "fail", [trace, ["--lesson"]]],
  ["unknown format", "fail", [trace, ["--lesson", "convoy", "--format", "svg"]]],
  ["/dev/zero scenario", "fail", [trace, ["--scenario", "/dev/zero"]]],
  ["17 MB scenario", "fail", [trace, ["--scenario", at("big.json")]]],
  ["directory scenario", "fail", [trace, ["--scenario", at("dir")]]],
  ["missing scenario", "fail", [trace, ["--scenario", at("nope.json")]]],
  ["empty scenario", "fail", [trace, ["--scenario", at("empty.json")]]],
  ["latin-1 scenario", "fail", [trace, ["--scenario", at("latin1.json")]]],
  ["BOM scenario", "ok", [trace, ["--scenario", at("bom.json"), "--json"]]],
  ["deeply nested JSON", "fail", [trace, ["--scenario", at("deep.json")]]],
  ["over the event budget", "fail", [trace, ["--scenario", at("events.json")]]],
  ["huge number", "fail", [trace, ["--scenario", at("huge.json")]]],
  ["stdout on /dev/full", "fail", sh(`exec "${trace}" --lesson convoy > /dev/full`)],
  ["--output /dev/full", "fail", [trace, ["--lesson", "convoy", "--output", "/dev/full"]]],
  ["chrome trace to /dev/full", "fail", sh(`exec "${trace}" --lesson ten-thousand --format chrome > /dev/full`)],
  ["stdout closed", "fail", sh(`exec "${trace}" --lesson convoy >&-`)],
  ["output into a directory", "fail", [trace, ["--lesson", "convoy", "--output", at("dir")]]],
  ["output into a missing folder", "fail", [trace, ["--lesson", "convoy", "--output", at("no/such/x.json")]]],
  ["output to /proc/version", "fail", [trace, ["--lesson", "convoy", "--output", "/proc/version"]]],
  ["closed pipe (| head -c 10)", "ok", sh(`"${trace}" --lesson ten-thousand --format chrome | head -c 10 > /dev/null`)],
  ["stdin: endless zeros", "fail", sh(`exec "${trace}" --scenario - < /dev/zero`)],
  ["stdin: empty", "fail", sh(`exec "${trace}" --scenario - < /dev/null`)],
  ["stdin: BOM", "ok", sh(`exec "${trace}" --scenario - --json < "${at("bom.json")}"`)],
  ["stdin that never sends (a stalled pipe)", "fail", sh(`sleep 60 | "${trace}" --scenario -`)],
];
for (const [name, want, [cmd, args]] of cli) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { timeout: 20_000, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const ms = Date.now() - started;
  const err = r.stderr ?? "";
  let outcome = "handled";
  if (r.error?.code === "ETIMEDOUT" || r.signal === "SIGTERM") outcome = "hung";
  else if (/panicked/.test(err) || (r.signal && r.signal !== "SIGPIPE")) outcome = "crashed";
  else if (want === "fail" && (r.status === 0 || !/^trace: /.test(err))) outcome = "lost";
  else if (want === "ok" && r.status !== 0) outcome = "lost";
  results.push({ area: "cli", name, outcome, ms, detail: `status ${r.status}: ${err.trim().slice(0, 110)}` });
}
rmSync(work, { recursive: true, force: true });

for (const r of results) console.log(`${r.outcome.padEnd(8)} ${r.area.padEnd(8)} ${r.name.padEnd(44)} ${String(r.ms).padStart(6)} ms  ${r.detail}`);
for (const area of [...new Set(results.map((r) => r.area)), null]) {
  const of = results.filter((r) => area === null || r.area === area);
  const count = (o) => of.filter((r) => r.outcome === o).length;
  console.log(`${area ?? "total"}: tried ${of.length}, handled ${count("handled")}, lost ${count("lost")}, hung ${count("hung")}, crashed ${count("crashed")}`);
}
