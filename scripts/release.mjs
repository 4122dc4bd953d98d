// Trunk's post-build hook (see Trunk.toml): turns the staged build into one versioned release.
//
// 1. The worker files get content hashes in their names (Trunk leaves workers unhashed), the
//    loader shim is rewritten to load them, and index.html names the loader in a meta tag that
//    the page reads, so a new page can never start an old worker.
// 2. A release id (a hash of every file) goes into index.html as a meta tag, which the service
//    worker uses to tell the app's page from anything else answering with HTML (a captive portal).
// 3. sw.js gets the release id (its cache name) and the list of files to precache on install.
//
// Runs with TRUNK_STAGING_DIR set by Trunk; `node scripts/release.mjs DIR` works on any build.
import { createHash } from "node:crypto";
import { readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";

const dir = process.argv[2] || process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("release.mjs: give the build folder, or run it as a Trunk hook");
  process.exit(1);
}

const hash = (bytes) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);

async function files(root, under = root) {
  const out = [];
  for (const entry of await readdir(under, { withFileTypes: true })) {
    const path = join(under, entry.name);
    if (entry.isDirectory()) out.push(...(await files(root, path)));
    else if (entry.isFile()) out.push(relative(root, path).split(sep).join("/"));
  }
  return out.sort();
}

async function exists(path) {
  return stat(path).then(
    () => true,
    () => false,
  );
}

const indexPath = join(dir, "index.html");
let index = await readFile(indexPath, "utf8");

// 1. Hashed worker files.
const loaderName = "worker_loader.js";
if (await exists(join(dir, loaderName))) {
  const renames = {};
  for (const name of ["worker.js", "worker_bg.wasm"]) {
    const h = hash(await readFile(join(dir, name)));
    const hashed = name.replace(/^worker/, `worker-${h}`);
    await rename(join(dir, name), join(dir, hashed));
    renames[name] = hashed;
  }
  // Trunk's shim is `importScripts("./worker.js");wasm_bindgen("./worker_bg.wasm");`. A failed
  // importScripts reaches the page as an error event, but a wasm that fails to load only rejects a
  // promise inside the worker: report it as the protocol's error message, so the page shows the
  // cause at once instead of waiting for its timeout.
  const shim = (await readFile(join(dir, loaderName), "utf8")).trim();
  const expected = 'importScripts("./worker.js");wasm_bindgen("./worker_bg.wasm");';
  if (shim !== expected) {
    console.error(`release.mjs: unexpected worker loader shim: ${shim}`);
    process.exit(1);
  }
  const loader =
    `importScripts("./${renames["worker.js"]}");` +
    `wasm_bindgen("./${renames["worker_bg.wasm"]}").catch(function (e) {` +
    `postMessage(JSON.stringify({ kind: "error", detail: "the worker's WebAssembly could not start (" + String((e && e.message) || e) + ")" }));` +
    `});`;
  for (const [from, to] of Object.entries(renames)) index = index.split(from).join(to);
  const hashedLoader = `worker-${hash(loader)}_loader.js`;
  await writeFile(join(dir, hashedLoader), loader);
  await unlink(join(dir, loaderName));
  index = index.replace("</head>", `<meta name="concurrency-kitchen-worker" content="${hashedLoader}" /></head>`);
}

// 2. The release id, over every file but the service worker (written last, from the id).
const all = (await files(dir)).filter((f) => f !== "sw.js" && f !== "index.html");
const whole = createHash("sha256");
for (const f of all) whole.update(f).update("\0").update(await readFile(join(dir, f))).update("\0");
whole.update(index);
const release = whole.digest("hex").slice(0, 16);
index = index.replace("</head>", `<meta name="concurrency-kitchen-release" content="${release}" /></head>`);
await writeFile(indexPath, index);

// 3. The service worker: its cache name and what it precaches.
const swPath = join(dir, "sw.js");
let sw = await readFile(swPath, "utf8");
const precache = ["index.html", ...all];
const replaced = sw
  .replace(/^const RELEASE = "dev";$/m, `const RELEASE = ${JSON.stringify(release)};`)
  .replace(/^const PRECACHE = \[\];$/m, `const PRECACHE = ${JSON.stringify(precache)};`);
if (replaced === sw || !replaced.includes(release) || !replaced.includes("worker-")) {
  console.error("release.mjs: sw.js lacks the RELEASE and PRECACHE lines to fill in");
  process.exit(1);
}
await writeFile(swPath, replaced);
console.log(`release ${release}: ${precache.length} files to precache`);
