#!/usr/bin/env bash
# The whole test suite: lints, cargo tests of the cores, then pytest against both backends.
# Usage: bash scripts/test.sh        (from anywhere; about 7 minutes on 2 cores)
# Needs uv, CPython 3.9+ and the Rust toolchain with the rustfmt and clippy components.
# The fast inner loop (cargo test + pytest only) is `make test`.
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

step "uv sync --locked (builds the four Rust wheels in release mode)"
uv sync --locked

step "Rust: cargo fmt --check, clippy -D warnings"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Python: ruff, ruff format --check, mypy --strict"
uv run --locked ruff check .
uv run --locked ruff format --check .
uv run --locked mypy

step "cargo test --workspace (the pure-Rust cores; no Python needed)"
cargo test --workspace --locked

step "SkyPilot's release wheels for the fingerprint tests (downloaded once, then cached)"
uv run --locked python scripts/skypilot_fingerprints.py --download

step "pytest: every behavioural test on the Rust backend and on the Python fallback"
uv run --locked pytest

step "install proof: build dist/ (sdists, wheels from them), fresh venvs for sky-rs, [process], [all]"
uv run --locked python scripts/check_install.py

step "interpreter matrix: dist/ on CPython 3.9 (bullseye, glibc 2.31), 3.13, 3.14, 3.15 (sid) in cached chroots"
bash scripts/matrix.sh
