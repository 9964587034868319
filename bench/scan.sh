#!/usr/bin/env bash
# Scan throughput: the rule engine with the built-in packs against ripgrep
# doing a plain literal search with the same terms.
#
#   bench/scan.sh [--messages N] [--seed S] [--dir DIR] [--repeat R]
#
# Generates N messages (default 1,000,000) with `redline gen-corpus`, then
# runs `cargo bench --bench scan -- run` (see benches/scan.rs for what is
# measured), with R interleaved rounds of the matcher and ripgrep (default
# 9: on a shared machine one run can be slowed by a neighbour). Needs
# ripgrep (`apt-get install -y ripgrep`).
set -euo pipefail
MESSAGES=1000000
SEED=1
REPEAT=9
DIR=${TMPDIR:-/tmp}/redline-scan-bench
while [ $# -gt 0 ]; do
    case "$1" in
        --messages) MESSAGES=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --dir) DIR=$2; shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$DIR"
cd "$ROOT"
cargo build --release -q -p redline
./target/release/redline gen-corpus --format jsonl --messages "$MESSAGES" --seed "$SEED" --out "$DIR/messages.jsonl"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
cargo bench -q --bench scan -- run "$DIR/messages.jsonl" --out "$DIR" --repeat "$REPEAT"
