#!/usr/bin/env bash
# Shortened local subnet check (CI): 2 rounds, 2 honest miners and 1 noise miner, then asserts on
# the report that the base loss fell or stayed, the averager merged, and the adversary ends with a
# lower weight than every honest miner. Exit 0 when all hold.
#
#   ./scripts/local-subnet-test.sh [--adversary lazy|copier|noise] [--workdir DIR]
#
# Takes 2-3 minutes on 2 cores (wallets are kept in <workdir>/wallets between runs;
# the first run creates them, ~10 s each).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ADVERSARY="noise"
WORKDIR="work/local-subnet-test"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --adversary) ADVERSARY="$2"; shift 2 ;;
        --workdir) WORKDIR="$2"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "local-subnet-test: unknown option $1" >&2; exit 2 ;;
    esac
done
REPORT="$WORKDIR/report.json"
rm -f "$REPORT"
./scripts/local-subnet.sh --miners 2 --rounds 2 --adversaries "$ADVERSARY" --workdir "$WORKDIR" --report "$REPORT"
python3 scripts/local_subnet_report.py check "$REPORT"
