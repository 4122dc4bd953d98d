#!/usr/bin/env bash
# Prints performance figures; nothing here passes or fails on speed (shared machines are noisy).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "== simulation, native (release)"
cargo bench --bench sim --locked

echo
echo "== simulation, wasm32 in headless Chromium (release)"
cargo test --release --target wasm32-unknown-unknown --test web_bench --locked -- --nocapture 2>&1 \
  | grep -E '^(bench|test result)' || true

echo
echo "== release build: transfer size, first render, frame times"
trunk build --release --offline --public-url ./ >/dev/null
node scripts/bench-browser.mjs
