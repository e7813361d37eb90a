#!/usr/bin/env bash
# Shortened local subnet check by hand: 3 rounds, 2 honest miners and a shortened gym (mixer,
# replayer, noisy-copier, norm-bomb by default), then asserts on the report that the base loss fell
# or stayed, the averager merged, and the verdict is PASS (every adversary below 5% of the lowest
# honest weight, no honest miner rejected). Exit 0 when all hold.
#
#   ./scripts/local-subnet-test.sh [--adversaries all|KIND,KIND...] [--rounds N] [--workdir DIR]
#
# Takes 4-6 minutes on 2 cores (wallets are kept in <workdir>/wallets between runs;
# the first run creates them, ~10 s each).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ADVERSARIES="mixer,replayer,noisy-copier,norm-bomb"
ROUNDS=3
WORKDIR="work/local-subnet-test"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --adversaries) ADVERSARIES="$2"; shift 2 ;;
        --rounds) ROUNDS="$2"; shift 2 ;;
        --workdir) WORKDIR="$2"; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "local-subnet-test: unknown option $1" >&2; exit 2 ;;
    esac
done
REPORT="$WORKDIR/report.json"
rm -f "$REPORT"
./scripts/local-subnet.sh --miners 2 --rounds "$ROUNDS" --adversaries "$ADVERSARIES" --workdir "$WORKDIR" --report "$REPORT"
python3 scripts/local_subnet_report.py check "$REPORT"
