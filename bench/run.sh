#!/usr/bin/env bash
# Benchmark `harden scan` against ripgrep reading the same files.
#
# usage: bench/run.sh [synthetic|real|all]
#   synthetic  a generated tree of 50,000 files (bench/gen_tree.py)
#   real       an unpacked PyPI sdist (ansible-core), downloaded once with pip
#
# Prints wall times (hyperfine, warm cache), the ratio harden/rg and harden's
# peak RSS. Not a test: numbers depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."

what="${1:-all}"
work="${BENCH_DIR:-target/bench}"
mkdir -p "$work"

cargo build --release --quiet
bin="$PWD/target/release/harden"

need() { command -v "$1" >/dev/null 2>&1 || { echo "bench: $1 is required (apt-get install ripgrep hyperfine time)" >&2; exit 2; }; }
need rg
need hyperfine
[ -x /usr/bin/time ] || { echo "bench: GNU time is required (apt-get install time)" >&2; exit 2; }

bench_tree() {
    local name="$1" tree="$2"
    local files
    files=$(rg --files --hidden -uu "$tree" | wc -l)
    echo "== $name: $tree ($files files)"
    # rg reads every file harden may read (hidden included, .gitignore honoured).
    hyperfine --warmup 2 --runs 5 --export-json "$work/$name.json" \
        --command-name rg "rg -c --hidden . '$tree' > /dev/null" \
        --command-name harden "'$bin' scan --format json --fail-on critical '$tree' > /dev/null" >/dev/null
    python3 - "$work/$name.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
rg, h = r["rg"]["median"], r["harden"]["median"]
print(f"rg median {rg:.3f}s, harden median {h:.3f}s, ratio {h / rg:.2f}x")
PY
    /usr/bin/time -f "harden peak RSS: %M KiB" "$bin" scan --format json --fail-on critical "$tree" > /dev/null
    "$bin" scan --format json --fail-on critical "$tree" | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print("findings:", s["findings"], "scanned:", s["files_scanned"], "skipped:", s["files_skipped"])'
}

if [ "$what" = synthetic ] || [ "$what" = all ]; then
    tree="$work/synthetic-50k"
    [ -d "$tree" ] || python3 bench/gen_tree.py "$tree" 50000
    bench_tree synthetic "$tree"
fi

if [ "$what" = real ] || [ "$what" = all ]; then
    tree="$work/ansible-core"
    if [ ! -d "$tree" ]; then
        tmp=$(mktemp -d)
        pip download --quiet --no-deps --no-binary :all: ansible-core -d "$tmp"
        mkdir -p "$tree"
        tar -xzf "$tmp"/ansible_core-*.tar.gz -C "$tree" --strip-components=1
        rm -rf "$tmp"
    fi
    bench_tree real "$tree"
fi
