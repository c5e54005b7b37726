#!/usr/bin/env bash
# The whole test suite: lints, cargo tests of the cores, then pytest against both backends.
# Usage: bash scripts/test.sh        (from anywhere; see README "The two commands" for its time)
# Needs uv, CPython 3.9+ and the Rust toolchain with the rustfmt and clippy components.
# The lints and tests are the Makefile's targets (one definition each); `make test` alone is the
# fast inner loop. This script adds the release build, the install proofs and the matrix.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never

for component in fmt clippy; do
    if ! cargo "$component" --version >/dev/null 2>&1; then
        echo "scripts/test.sh: cargo $component is missing: rustup component add rustfmt clippy" >&2
        exit 1
    fi
done

step() { printf '\n==> %s\n' "$*"; }

step "make install: uv sync --locked (builds the four Rust wheels in release mode)"
make --no-print-directory install

step "make lint: cargo fmt --check, clippy -D warnings, ruff, ruff format --check, mypy --strict, stubtest"
make --no-print-directory lint

step "make test: cargo test (the pure-Rust cores), then pytest on the Rust backend and the Python fallback"
make --no-print-directory test

step "install proof: build dist/ (sdists; x86_64 and aarch64 wheels at cp39-abi3 and cp310-abi3, from the sdists), auditwheel, abi3audit, fresh venvs for sky-rs, [process], [all], each wheel alone"
uv run --locked python scripts/check_install.py

step "platforms: sky-rs[all] from dist/ for Linux x86_64/aarch64 (all five), macOS and Windows (sky-rs alone)"
uv run --locked python scripts/check_platforms.py

step "new function: the scaffold adds a toy function in a scratch copy (12 files), then make test there; in the background, alongside the matrix (its output follows the matrix)"
scaffold_log=$(mktemp)
uv run --locked python scripts/check_new_function.py >"$scaffold_log" 2>&1 &
scaffold_pid=$!
trap 'kill "$scaffold_pid" 2>/dev/null || true; rm -f "$scaffold_log"' EXIT

step "interpreter matrix: dist/ on CPython 3.9 (bullseye, glibc 2.31), 3.13, 3.14, 3.15 (sid), 3.11 aarch64 (bookworm arm64, qemu) in cached chroots"
bash scripts/matrix.sh

step "new function: the scaffold's proof (run alongside the matrix)"
if wait "$scaffold_pid"; then
    sed -n '/the toy function touches/,/^$/p' "$scaffold_log"
    tail -n 1 "$scaffold_log"
else
    cat "$scaffold_log"
    echo "scripts/test.sh: scripts/check_new_function.py failed" >&2
    exit 1
fi
