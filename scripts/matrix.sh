#!/usr/bin/env bash
# The interpreter matrix: the built wheels in dist/ on other CPythons and another glibc.
#
#   bash scripts/matrix.sh              # every row: 3.9 (bullseye), 3.13, 3.14, 3.15 (sid), and
#                                       # 3.11-aarch64 (bookworm arm64 under qemu)
#   bash scripts/matrix.sh 3.9 3.15     # a subset
#   bash scripts/matrix.sh 3.11-aarch64 # only the arm64 row
#   bash scripts/matrix.sh --prepare    # only create (or reuse) the chroots
#
# Needs root, debootstrap and (for arm64) qemu-user-static, both installed with apt-get when
# missing, and dist/ from `python3 scripts/check_install.py` (the manylinux Rust wheels of both
# architectures and abi3 levels, and the meta-package wheel).
#
# The arm64 row runs arm64 binaries through qemu-user: binfmt_misc is mounted (when it is not)
# and qemu-aarch64 registered from /usr/lib/binfmt.d/ (when it is not) for the run only, then
# unregistered and unmounted by the same EXIT trap that unmounts the chroots.
#
# For each interpreter, in a Debian chroot made by debootstrap from the host's own apt mirror and
# cached under ~/.cache/sky-rs/chroots/ (SKY_RS_CHROOTS to move it):
#   1. install proof: a fresh venv, `pip install --no-index --find-links dist "sky-rs[process]"`
#      gives exactly sky-rs and sky-rs-process, `sky-rs doctor` passes, get_backend_info()
#      reports the process domain on Rust, and pip chose the wheel of the right abi3 level
#      (cp39-abi3 on 3.9, cp310-abi3 on 3.10 and later) and architecture;
#   2. the test suite: a fresh venv with `sky-rs[all,cli]` from dist/ (--no-index), pytest,
#      hypothesis and psutil from PyPI, then pytest over a copy of the repository's tests on both
#      backends with -m "not slow and not skypilot and not devbuild" (devbuild: tests of the
#      private sky_rs_floor extension and of building the wheel with uv, which dist/ does not hold).
# /proc, /sys and /dev are bind-mounted into a chroot only while it is used, and always unmounted
# again (EXIT/INT/TERM trap), even when a step fails. A second run on the same cache waits for the
# first (flock on $CACHE/.lock). Prints a table; exits 1 if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${SKY_RS_CHROOTS:-$HOME/.cache/sky-rs/chroots}
HOST_CA=/etc/ssl/certs/ca-certificates.crt
ALL=(3.9 3.13 3.14 3.15 3.11-aarch64)
MARK="not slow and not skypilot and not devbuild"
# qemu-user has no ptrace (strace cannot count, inject or delay an emulated process's system
# calls), and it keeps about 280 kB per thread started and joined (2,000 plain Python threads:
# +559 MB under qemu, +0 natively), so an RSS check of hash_files' threads measures the emulator.
QEMU_MARK="not ptrace and not native_memory"
# Under qemu the arm64 row runs the whole suite too (about 8 minutes of pytest here). To run less
# there, set SKY_RS_QEMU_TESTS to test paths, e.g. "tests/hardening/test_hostile.py" (which alone
# calls every function on both backends).
QEMU_TESTS=${SKY_RS_QEMU_TESTS-}

suite_of() {
    case $1 in
        3.9) echo bullseye ;;
        *-aarch64) echo bookworm-arm64 ;;
        *) echo sid ;;
    esac
}
packages_of() { # installed after debootstrap (arm64: its --include list has them already)
    case $1 in
        bullseye) echo python3 python3-venv strace ;;
        sid) echo python3.13 python3.13-venv python3.14 python3.14-venv python3.15 python3.15-venv strace ;;
        bookworm-arm64) ;;
    esac
}

say() { printf '\n==> %s\n' "$*"; }
die() {
    printf 'matrix.sh: %s\n' "$*" >&2
    exit 1
}

# ------------------------------------------------------------------------------------ mounts
MOUNTED=()
mount_chroot() {
    local dir=$1 m
    cp /etc/resolv.conf "$dir/etc/resolv.conf"
    mkdir -p "$dir/etc/sky-rs"
    cp "$HOST_CA" "$dir/etc/sky-rs/ca-certificates.crt"
    # The chroot's root becomes a mount point of its own, so that `unshare -m` inside it (a test
    # mounts a private procfs) can change the root's propagation.
    mount --bind "$dir" "$dir"
    MOUNTED+=("$dir")
    mount --make-private "$dir"
    for m in proc sys dev; do
        mount --rbind "/$m" "$dir/$m"
        MOUNTED+=("$dir/$m")
        mount --make-rslave "$dir/$m"
    done
}
unmount_all() {
    local i
    for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
        umount -R "${MOUNTED[i]}" 2>/dev/null || umount -R -l "${MOUNTED[i]}" \
            || echo "matrix.sh: could not unmount ${MOUNTED[i]}" >&2
    done
    MOUNTED=()
}

# ------------------------------------------------------------------------- qemu (arm64 row)
BINFMT=/proc/sys/fs/binfmt_misc
QEMU_ENTRY=qemu-aarch64
BINFMT_MOUNTED=0 # we mounted binfmt_misc: unmount it at exit
BINFMT_OURS=0    # we registered qemu-aarch64: unregister it at exit
qemu_setup() {
    command -v qemu-aarch64-static >/dev/null && [[ -f /usr/lib/binfmt.d/$QEMU_ENTRY.conf ]] || {
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends qemu-user-static >/dev/null
    }
    if [[ ! -e $BINFMT/register ]]; then
        mount -t binfmt_misc binfmt_misc "$BINFMT"
        BINFMT_MOUNTED=1
    fi
    if [[ ! -e $BINFMT/$QEMU_ENTRY ]]; then
        # The register string, as systemd-binfmt would write it; its F flag makes the kernel open
        # the interpreter now, so the chroot needs no copy of it.
        grep -v '^#' "/usr/lib/binfmt.d/$QEMU_ENTRY.conf" | head -1 >"$BINFMT/register"
        BINFMT_OURS=1
    fi
    echo "binfmt_misc: $QEMU_ENTRY $(head -1 "$BINFMT/$QEMU_ENTRY")" \
        "(registered by this run: $BINFMT_OURS; binfmt_misc mounted by this run: $BINFMT_MOUNTED)"
}
qemu_teardown() {
    if ((BINFMT_OURS)) && [[ -e $BINFMT/$QEMU_ENTRY ]]; then
        echo -1 >"$BINFMT/$QEMU_ENTRY" || echo "matrix.sh: could not unregister $QEMU_ENTRY" >&2
    fi
    BINFMT_OURS=0
    if ((BINFMT_MOUNTED)); then
        umount "$BINFMT" || echo "matrix.sh: could not unmount $BINFMT" >&2
    fi
    BINFMT_MOUNTED=0
}
cleanup() {
    unmount_all
    [[ -d $CACHE ]] && unmount_leftovers "$CACHE" # e.g. an interrupted second stage's /proc
    qemu_teardown
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mounts_under() { awk -v d="$1/" 'index($2 "/", d) == 1 { print $2 }' /proc/mounts; }
unmount_leftovers() { # whatever a tool mounted below $1 and left there, deepest first
    local m
    for m in $(mounts_under "$1" | sort -r); do
        umount -R "$m" 2>/dev/null || umount -R -l "$m" || echo "matrix.sh: could not unmount $m" >&2
    done
}
remove_tree() { # never follows into a mount: refuse if anything is still mounted below
    [[ -z $(mounts_under "$1") ]] || die "refusing to delete $1: still mounted: $(mounts_under "$1")"
    rm -rf --one-file-system "$1"
}

# Run a command inside the chroot with a clean environment and the host's CA bundle.
in_chroot() {
    local dir=$1
    shift
    chroot "$dir" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        PIP_CERT=/etc/sky-rs/ca-certificates.crt SSL_CERT_FILE=/etc/sky-rs/ca-certificates.crt \
        REQUESTS_CA_BUNDLE=/etc/sky-rs/ca-certificates.crt PIP_DISABLE_PIP_VERSION_CHECK=1 \
        PIP_DEFAULT_TIMEOUT=180 PIP_CACHE_DIR=/var/cache/sky-rs-pip DEBIAN_FRONTEND=noninteractive \
        "$@"
}

# ------------------------------------------------------------------------------------ chroots
# The Debian mirror this host already uses (never a host written into the repository):
# the first non-security URI in the apt sources that serves the suite asked for.
host_mirror() {
    local uri
    if [[ -n ${SKY_RS_DEBIAN_MIRROR:-} ]]; then
        echo "$SKY_RS_DEBIAN_MIRROR"
        return
    fi
    for uri in $(
        cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
            2>/dev/null | sed -n -E \
            -e 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([a-z+]+:\/\/[^[:space:]]+).*/\2/p' \
            -e 's/^[[:space:]]*URIs:[[:space:]]*//p'
    ); do
        [[ $uri == *security* ]] && continue
        if python3 - "${uri%/}" "$1" <<'PY' 2>/dev/null; then
import sys, urllib.request
urllib.request.urlopen(f"{sys.argv[1]}/dists/{sys.argv[2]}/Release", timeout=30).close()
PY
            echo "${uri%/}"
            return
        fi
    done
    die "no Debian mirror serving $1 in /etc/apt/sources.list{,.d/}; set SKY_RS_DEBIAN_MIRROR"
}

ensure_chroot() {
    local suite=$1 dir=$CACHE/$1 tmp=$CACHE/$1.partial pkgs=() p
    if [[ -f $dir/.sky-rs-ready ]]; then
        echo "reusing $dir"
        return
    fi
    say "creating the $suite chroot in $dir (debootstrap; a few minutes)"
    command -v debootstrap >/dev/null || {
        apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null
    }
    local mirror release=${suite%-arm64} log=$CACHE/$suite.debootstrap.log
    mirror=$(host_mirror "$release")
    echo "mirror: $mirror"
    mkdir -p "$CACHE"
    if [[ ! -f $tmp/.sky-rs-bootstrapped ]]; then # a failed apt step keeps the debootstrap
        remove_tree "$tmp"
        local status=0
        if [[ $suite == *-arm64 ]]; then
            # First stage on the host (no arm64 code runs), second stage inside the chroot under
            # qemu (about 5 minutes); DEBOOTSTRAP_DIR would point the second stage at the host's.
            debootstrap --arch arm64 --foreign --variant=minbase --include=python3,python3-venv \
                "$release" "$tmp" "$mirror" >"$log" 2>&1 \
                && env -u DEBOOTSTRAP_DIR chroot "$tmp" /debootstrap/debootstrap --second-stage \
                    >>"$log" 2>&1 || status=$?
            unmount_leftovers "$tmp" # the second stage mounts /proc and /sys itself
        else
            debootstrap --variant=minbase "$suite" "$tmp" "$mirror" >"$log" 2>&1 || status=$?
        fi
        ((status == 0)) || {
            tail -20 "$log" >&2
            die "debootstrap $suite failed (log: $log)"
        }
        touch "$tmp/.sky-rs-bootstrapped"
    fi
    pkgs=($(packages_of "$suite"))
    if ((${#pkgs[@]})); then
        mount_chroot "$tmp"
        # A mirror snapshot may serve a sid Release past its Valid-Until; signatures are still checked.
        in_chroot "$tmp" apt-get -o Acquire::Check-Valid-Until=false update -qq
        pkgs=()
        for p in $(packages_of "$suite"); do # install what the suite has (sid's set changes over time)
            if in_chroot "$tmp" apt-cache show "$p" >/dev/null 2>&1; then pkgs+=("$p"); else
                echo "note: $suite has no package $p"
            fi
        done
        in_chroot "$tmp" apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
        in_chroot "$tmp" apt-get clean
        unmount_all
    fi
    touch "$tmp/.sky-rs-ready"
    mv "$tmp" "$dir"
}

# ------------------------------------------------------------------------ one interpreter
# Runs inside the chroot as `bash -s -- python3.X`; /sky-rs holds dist/ and the repository copy.
INNER=$(
    cat <<'EOF'
set -euo pipefail
py=$1
work=/sky-rs/venvs/$py
rm -rf "$work"
mkdir -p "$work"
echo "--- $py: $($py -c 'import sys, platform; print(sys.version.split()[0], platform.machine(), platform.libc_ver())')"

echo "--- install proof: sky-rs[process] from dist/ (--no-index) in a fresh venv"
$py -m venv "$work/proof"
"$work/proof/bin/python" -m pip install -q --no-index --find-links /sky-rs/dist "sky-rs[process]"
cd /tmp
"$work/proof/bin/python" - "$py" <<'PY'
import json, subprocess, sys
listed = json.loads(subprocess.run([sys.executable, "-m", "pip", "list", "--format", "json"],
                                   check=True, capture_output=True, text=True).stdout)
ours = sorted(p["name"].lower().replace("_", "-") for p in listed
              if p["name"].lower().replace("_", "-").startswith("sky-rs"))
assert ours == ["sky-rs", "sky-rs-process"], ours
import sky_rs
info = sky_rs.get_backend_info()
assert info["domains"]["process"]["backend"] == "rust", info
assert all(d["backend"] == "python" for n, d in info["domains"].items() if n != "process"), info
print(f"ok: exactly {ours}; process on Rust, the rest on Python")
# Which wheel pip chose: the newest abi3 level this interpreter admits, for this machine.
import platform
from importlib.metadata import distribution
wheel = distribution("sky-rs-process").read_text("WHEEL") or ""
tags = [line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:")]
level = "cp39" if sys.version_info < (3, 10) else "cp310"
assert tags and all(t.startswith(f"{level}-abi3-") for t in tags), tags
assert all(t.endswith("_" + platform.machine()) for t in tags), (tags, platform.machine())
print(f"ok: pip chose the {level}-abi3 wheel: {', '.join(tags)}")
open("/sky-rs/" + sys.argv[1] + ".tag", "w").write(tags[0].split("-")[0] + "-abi3")
PY
"$work/proof/bin/sky-rs" doctor

echo "--- test venv: sky-rs[all,cli] from dist/, test dependencies from PyPI"
$py -m venv "$work/test"
tpy=$work/test/bin/python
"$tpy" -m pip install -q --upgrade pip
"$tpy" -m pip install -q --no-index --find-links /sky-rs/dist "sky-rs[all]"
version=$("$tpy" -c 'from importlib.metadata import version; print(version("sky-rs"))')
# sky-rs and its wheels are installed already; this adds the cli extra's and the tests' dependencies.
"$tpy" -m pip install -q --find-links /sky-rs/dist "sky-rs[all,cli]==$version" pytest hypothesis psutil
"$tpy" -c 'import sky_rs, sys; assert sky_rs.__file__.startswith(sys.prefix), sky_rs.__file__; print("sky_rs from", sky_rs.__file__); print(sky_rs.get_backend_info()["backend"])'
cd /sky-rs/src
# shellcheck disable=SC2086 # TESTS: a list of paths, or empty for the whole suite
"$tpy" -m pytest -q -p no:cacheprovider -m "$MARK" --junitxml="/sky-rs/$py.xml" $TESTS
EOF
)

# Nothing is deselected by name. Where CPython's own texts differ between versions, the tests
# take the running interpreter's (tests/support/backends.py: cpython_says). What cannot run under
# qemu-user is marked in the tests and left out of that row by marker (QEMU_MARK). None needs the
# source tree, uv or cargo: the repository's tests, docs, scripts and sources are copied in, so
# the static and leak tests run as on the host.

run_one() { # version -> prints "result" fields into RESULTS
    local v=$1 suite dir py start status glibc counts tests="" label=$1 tag mark=$MARK
    suite=$(suite_of "$v")
    dir=$CACHE/$suite
    py=python$v
    [[ $suite == bullseye ]] && py=python3
    if [[ $v == *-aarch64 ]]; then
        py=python${v%-aarch64}
        tests=$(echo $QEMU_TESTS)
        mark="$MARK and $QEMU_MARK"
        label="${v%-aarch64} aarch64 (qemu)"
    fi
    start=$SECONDS
    status=ok
    mount_chroot "$dir"
    rm -rf "$dir/sky-rs/src" "$dir/sky-rs/dist" "$dir/sky-rs/$py.xml" "$dir/sky-rs/$py.tag" \
        "$dir/sky-rs/deselected.txt"
    mkdir -p "$dir/sky-rs/src"
    cp -a "$ROOT/dist" "$dir/sky-rs/dist"
    # SkyPilot's release wheels, read as zip files by tests/meta/test_fingerprint.py (no network there).
    rm -rf "$dir/sky-rs/skypilot-wheels"
    cp -a "${SKY_RS_SKYPILOT_WHEELS:-$HOME/.cache/sky-rs/skypilot-wheels}" "$dir/sky-rs/skypilot-wheels"
    tar -C "$ROOT" -c --exclude=__pycache__ --exclude='*.so' --exclude=.pytest_cache \
        tests docs scripts crates packages bench pyproject.toml Cargo.toml Cargo.lock \
        | tar -C "$dir/sky-rs/src" -x
    glibc=$(in_chroot "$dir" getconf GNU_LIBC_VERSION | awk '{print $2}')
    say "CPython $v in $suite (glibc $glibc)"
    if ! in_chroot "$dir" sh -c "command -v $py" >/dev/null; then
        echo "$suite has no $py" >&2
        status=missing
    elif ! in_chroot "$dir" env MARK="$mark" TESTS="$tests" \
        SKY_RS_SKYPILOT_WHEELS=/sky-rs/skypilot-wheels bash -c "$INNER" bash "$py"; then
        status=FAILED
    fi
    counts=$(python3 - "$dir/sky-rs/$py.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("- - -"); sys.exit()
s = root if root.tag == "testsuite" else root.find("testsuite")
t, f, e, k = (int(s.get(a, 0)) for a in ("tests", "failures", "errors", "skipped"))
print(t - f - e - k, f + e, k)
PY
    )
    tag=$(cat "$dir/sky-rs/$py.tag" 2>/dev/null || echo -)
    unmount_all
    RESULTS+=("$label|$suite|$glibc|$tag|$counts|$status|$((SECONDS - start))")
}

# ------------------------------------------------------------------------------------ main
[[ $(id -u) == 0 ]] || die "needs root (debootstrap, chroot, mount)"
# One run at a time per chroot cache: two would share the chroots' mounts and venvs.
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
    say "another matrix.sh is using $CACHE; waiting for it to finish"
    flock 9
fi
prepare_only=0
versions=()
for arg in "$@"; do
    case $arg in
        --prepare) prepare_only=1 ;;
        3.9 | 3.13 | 3.14 | 3.15 | 3.11-aarch64) versions+=("$arg") ;;
        *) die "unknown argument $arg (expected --prepare or some of ${ALL[*]})" ;;
    esac
done
((${#versions[@]})) || versions=("${ALL[@]}")

suites=()
for v in "${versions[@]}"; do
    s=$(suite_of "$v")
    [[ " ${suites[*]} " == *" $s "* ]] || suites+=("$s")
done
[[ " ${suites[*]} " != *-arm64* ]] || qemu_setup
for s in "${suites[@]}"; do ensure_chroot "$s"; done
((prepare_only)) && exit 0

shopt -s nullglob
wheels=("$ROOT"/dist/*.whl)
# The meta-package, and per Rust package x86_64 and aarch64 at cp39-abi3 and cp310-abi3.
((${#wheels[@]} == 17)) || die "dist/ should hold 17 wheels; run: python3 scripts/check_install.py"
for w in "${wheels[@]}"; do
    [[ $w != *linux_*.whl || $w == *manylinux* ]] || die "$w is not a manylinux wheel"
done

RESULTS=()
failed=0
for v in "${versions[@]}"; do
    run_one "$v"
    [[ ${RESULTS[-1]} == *"|ok|"* ]] || failed=1
done

say "matrix: the wheels in dist/ on each interpreter (-m \"$MARK\")"
printf '%-20s %-14s %-6s %-10s %7s %7s %8s %-8s %6s\n' python debian glibc wheel passed failed \
    skipped status time
for r in "${RESULTS[@]}"; do
    IFS='|' read -r v suite glibc tag counts status secs <<<"$r"
    read -r passed fails skipped <<<"$counts"
    printf '%-20s %-14s %-6s %-10s %7s %7s %8s %-8s %5ss\n' "$v" "$suite" "$glibc" "$tag" \
        "$passed" "$fails" "$skipped" "$status" "$secs"
done
exit "$failed"
