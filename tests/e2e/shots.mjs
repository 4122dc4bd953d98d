// Screenshots for looking at the app as each audience sees it (not a test; run by hand):
//   node tests/e2e/shots.mjs OUT_DIR [QUERY ...]
// Takes the default view at 375x740 (phone), 1280x800 (learner), 1920x1080 with present=1
// (classroom) and inside a 700x560 iframe served from another origin (blog), for each query.
import { mkdir } from "node:fs/promises";
import { serve } from "./server.mjs";
import { launch, waitForApp } from "./browser.mjs";

const [out = "shots", ...queries] = process.argv.slice(2);
await mkdir(out, { recursive: true });
const app = await serve();
let post = "";
const blog = await serve(undefined, { get "/post.html"() { return post; } });
const browser = await launch();
const views = [
  ["phone", 375, 740, ""],
  ["learner", 1280, 800, ""],
  ["classroom", 1920, 1080, "&present=1"],
];
for (const query of queries.length ? queries : ["lesson=convoy"]) {
  const name = query.replace(/[^a-z0-9=-]+/gi, "_").slice(0, 60);
  for (const [label, width, height, extra] of views) {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await page.goto(`${app.origin}/?${query}${extra}`);
    await waitForApp(page);
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${out}/${name}.${label}.png` });
    await context.close();
  }
  // A blog post on another origin (another port) with a 700x560 iframe and no host script.
  const context = await browser.newContext({ viewport: { width: 760, height: 640 } });
  const page = await context.newPage();
  post = `<!doctype html><title>Post</title><link rel="icon" href="data:,"><body style="margin:20px;font:16px serif"><iframe src="${app.origin}/?${query}&embed=1" width="700" height="560" style="border:1px solid #999" sandbox="allow-scripts allow-same-origin"></iframe></body>`;
  await page.goto(`${blog.origin}/post.html`);
  const frame = await (await page.waitForSelector("iframe")).contentFrame();
  await frame.waitForSelector("html[data-app-ready]", { state: "attached", timeout: 30_000 });
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${out}/${name}.blog.png` });
  await context.close();
}
await browser.close();
await app.close();
await blog.close();
console.log(`screenshots in ${out}/`);
