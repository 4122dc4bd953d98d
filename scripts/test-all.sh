#!/usr/bin/env bash
# Runs every test suite, keeps going after a failure so one run shows everything, and ends with
# one summary line. Called by `./kitchen test` after the tools are installed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log="$(mktemp)"
# A debug test build of the whole crate is tens of megabytes of wasm: give Chromium time to load it.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"
failed_steps=()

step() {
  local name="$1"
  shift
  printf '\n\033[1m== %s\033[0m\n' "$name"
  if "$@" 2>&1 | tee -a "$log"; then :; else failed_steps+=("$name"); fi
}

wasm_test() {
  cargo test --target wasm32-unknown-unknown --test web
}

wasm_test_not_isolated() {
  WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION=1 cargo test --target wasm32-unknown-unknown --test web
}

step "cargo fmt --check" cargo fmt --all -- --check
step "clippy (host)" cargo clippy --all-targets --locked -- -D warnings
step "clippy (wasm32)" cargo clippy --target wasm32-unknown-unknown --lib --bins --test web --test web_bench --locked -- -D warnings
step "native tests" cargo test --locked
step "browser tests (cross-origin isolated)" wasm_test
step "browser tests (not isolated, as in an embed)" wasm_test_not_isolated
step "release build" trunk build --release --offline --public-url ./
step "end-to-end tests" node --test --test-reporter=spec tests/e2e/

# One line for every runner: cargo prints "N passed; M failed", node prints "pass N" / "fail N".
passed=$(grep -oE '[0-9]+ passed' "$log" | awk '{s+=$1} END {print s+0}')
failed=$(grep -oE '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
node_pass=$(grep -aoE '^. pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
node_fail=$(grep -aoE '^. fail [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
rm -f "$log"
echo
if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "kitchen: failed steps: ${failed_steps[*]}"
  [ "$((failed + node_fail))" -gt 0 ] || failed=1
fi
echo "total: $((passed + node_pass)) passed, $((failed + node_fail)) failed"
[ ${#failed_steps[@]} -eq 0 ]
