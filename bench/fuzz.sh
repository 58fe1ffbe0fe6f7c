#!/usr/bin/env bash
# A longer mutation-fuzzing run than CI's (tests/fuzz.rs runs a fixed 600 parser
# mutants and 60 whole-pipeline mutants from a fixed seed). This one runs as many as
# fit in the time given, from a seed of your choice; a failing input is saved under
# target/fuzz-failures/ to be added to tests/fuzz/corpus/<target>/.
#
# usage: bench/fuzz.sh [seconds per test, default 300] [seed, default: the time]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-300}"
seed="${2:-$(date +%s)}"
echo "fuzzing ${secs}s per test, seed $seed"
HARDEN_FUZZ_SECS="$secs" HARDEN_FUZZ_SEED="$seed" \
    cargo test --release --test fuzz -- --nocapture --test-threads 1
