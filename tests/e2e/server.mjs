// A real static HTTP server for the release build in dist/, at / and under a sub-path.
// It records every request so tests can assert that nothing outside the page was asked for.
// Tests of the offline mode can change what it serves (`setRoot`, a new release) and how it
// behaves (`mode`): "normal", "stall" (accepts and never answers, like a dead Wi-Fi) or
// "portal" (answers every request with a 200 login page, like a captive portal).
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";

export const SUB_PATH = "/concurrency-kitchen/";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".png": "image/png",
  ".webmanifest": "application/manifest+json",
};

/** Serves `root` on a free localhost port; extra pages (path -> html) are served as given. */
export async function serve(root = resolve("dist"), extraPages = {}, { isolated = false } = {}) {
  // Cross-origin isolation (COOP + COEP) unlocks SharedArrayBuffer and Atomics.wait.
  const isolation = isolated
    ? { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" }
    : {};
  const requests = [];
  const state = { root, mode: "normal" };
  const stalled = new Set();
  // Long enough headers for the "scenario too long" link tests.
  const server = createServer({ maxHeaderSize: 512 * 1024 }, async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    requests.push(url.pathname);
    if (state.mode === "stall") {
      stalled.add(res);
      res.on("close", () => stalled.delete(res));
      return;
    }
    if (state.mode === "portal") {
      res.writeHead(200, { "content-type": TYPES[".html"] });
      res.end("<!doctype html><title>Sign in</title><h1>Sign in to Hotel Wi-Fi</h1>");
      return;
    }
    if (extraPages[url.pathname]) {
      res.writeHead(200, { "content-type": TYPES[".html"], ...isolation });
      res.end(extraPages[url.pathname]);
      return;
    }
    let path = url.pathname;
    if (path.startsWith(SUB_PATH)) path = "/" + path.slice(SUB_PATH.length);
    if (path.endsWith("/")) path += "index.html";
    const file = normalize(join(state.root, decodeURIComponent(path)));
    if (!file.startsWith(state.root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error("not a file");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", ...isolation });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    /** Serves another build from now on (a new release). */
    setRoot: (dir) => {
      state.root = resolve(dir);
    },
    /** "normal", "stall" or "portal". */
    set mode(mode) {
      state.mode = mode;
      if (mode !== "stall") for (const res of stalled) res.destroy();
    },
    get mode() {
      return state.mode;
    },
    close: () =>
      new Promise((ok) => {
        for (const res of stalled) res.destroy();
        server.close(ok);
        server.closeAllConnections();
      }),
  };
}
