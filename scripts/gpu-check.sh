#!/usr/bin/env bash
# GPU check: gpt2 training and evaluation on one CUDA GPU, ours (DJL, --device cuda) beside PyTorch eager
# on the same GPU, printing tokens/s, peak GPU memory and MFU against each side's own fp32 matmul peak.
#
#   scripts/gpu-check.sh [--preset gpt2] [--batch 8] [--seq 1024] [--steps 10] [--precision fp32|bf16] [--torch-only]
#
# Needs nvidia-smi and python3 with a CUDA build of torch (the baseline). Our side needs a JDK 17 and Maven
# with Maven Central: it builds the CUDA flavour of the jars (-Pcu124: DJL's libtorch 2.5.1 for CUDA 12.4)
# and runs TrainingBench and EvalBench with device cuda, each of which runs the same PyTorch baseline in
# the same invocation. Without a JVM (or with --torch-only) only the PyTorch side runs, and it says so.
# Peak GPU memory is sampled per process from nvidia-smi every 200 ms, the same way for both sides
# (CUDA context and caching-allocator reserve included). Nothing in ./scripts/test.sh needs a GPU.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PRESET=gpt2
BATCH=8
SEQ=1024
STEPS=10
PRECISION=fp32
TORCH_ONLY=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --preset) PRESET="$2"; shift 2 ;;
        --batch) BATCH="$2"; shift 2 ;;
        --seq) SEQ="$2"; shift 2 ;;
        --steps) STEPS="$2"; shift 2 ;;
        --precision) PRECISION="$2"; shift 2 ;;
        --torch-only) TORCH_ONLY=1; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "gpu-check: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$PRECISION" == fp32 || "$PRECISION" == bf16 ]] || { echo "gpu-check: --precision must be fp32 or bf16" >&2; exit 2; }
command -v nvidia-smi >/dev/null 2>&1 || { echo "gpu-check: no NVIDIA GPU here (nvidia-smi not found)" >&2; exit 2; }
PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null \
    || { echo "gpu-check: $PYTHON has no CUDA-enabled torch" >&2; exit 2; }
OUT="bench-results/gpu-check-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUT/gpu.txt"

# Runs "$@" while sampling every process's GPU memory; writes <name>.out and <name>.gpu (pid, command, peak MiB).
sampled() {
    local name="$1"; shift
    "$@" > "$OUT/$name.out" 2> "$OUT/$name.err" &
    local pid=$!
    declare -A peak=()
    while kill -0 "$pid" 2>/dev/null; do
        while IFS=', ' read -r p mem; do
            [[ -n "$p" && "$mem" =~ ^[0-9]+$ ]] || continue
            (( mem > ${peak[$p]:-0} )) && peak[$p]=$mem
        done < <(nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits 2>/dev/null || true)
        sleep 0.2
    done
    wait "$pid" || { echo "gpu-check: $name failed; see $OUT/$name.err" >&2; tail -5 "$OUT/$name.err" >&2; return 1; }
    : > "$OUT/$name.gpu"
    for p in "${!peak[@]}"; do
        printf '%s %s %s\n' "$p" "$(ps -o comm= -p "$p" 2>/dev/null || echo exited)" "${peak[$p]}" >> "$OUT/$name.gpu"
    done
}

# MFU of a JSON line from torch_train.py: 6N + 12 L d T FLOPs per token against its own matmul peak.
torch_summary() {
    "$PYTHON" - "$PRESET" "$SEQ" "$1" "$2" <<'PY'
import json, sys
PRESETS = {  # as scripts/bench/torch_train.py (not imported: that would load torch for a dict)
    "tiny": dict(vocab_size=256, n_embd=128, n_layer=4),
    "gpt2": dict(vocab_size=50257, n_embd=768, n_layer=12),
    "gpt2-medium": dict(vocab_size=50257, n_embd=1024, n_layer=24),
}
preset, seq, label, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
c = PRESETS[preset]
d = c["n_embd"]
n = c["vocab_size"] * d + c["n_layer"] * (12 * d * d + 13 * d) + 2 * d  # all but wpe, as TrainingBench counts
r = json.loads(open(path).read().strip().splitlines()[-1])
line = "| %s | %s | %.0f | %s |" % (label, r["precision"], r["tokens_per_s"], "%.0f" % r["peak_gpu_mib"])
if "matmul_gflops" in r:
    flops = 6 * n + 12 * c["n_layer"] * c["n_embd"] * seq
    line += " %.1f%% of %.0f GFLOP/s |" % (100 * flops * r["tokens_per_s"] / 1e9 / r["matmul_gflops"], r["matmul_gflops"])
else:
    line += " - |"
print(line)
PY
}

echo "== PyTorch eager on the GPU: $PRESET, batch $BATCH x $SEQ, $STEPS steps, $PRECISION"
sampled torch-train "$PYTHON" scripts/bench/torch_train.py --device cuda --preset "$PRESET" --batch "$BATCH" \
    --seq "$SEQ" --steps "$STEPS" --matmul 4096 --precision "$PRECISION"
sampled torch-eval "$PYTHON" scripts/bench/torch_eval.py --device cuda --preset "$PRESET" --batch "$BATCH" \
    --seq "$SEQ" --reps 3 --precision "$PRECISION"
{
    echo "| run | precision | tokens/s | peak GPU MiB (allocator) | MFU vs own fp32 matmul peak |"
    echo "|---|---|---:|---:|---|"
    torch_summary "PyTorch training" "$OUT/torch-train.out"
    torch_summary "PyTorch evaluation" "$OUT/torch-eval.out"
} | tee "$OUT/torch.md"

if [[ "$TORCH_ONLY" == 1 ]] || ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    echo "gpu-check: our side not run ($([[ "$TORCH_ONLY" == 1 ]] && echo "--torch-only" || echo "no java/mvn here")); results in $OUT"
    exit 0
fi

echo "== ours (DJL, libtorch for CUDA 12.4): building with -Pcu124"
CPF=common/target/bench-cu124.classpath
mvn -B -q -Pcu124 -pl common -am -DskipTests install >/dev/null
mvn -B -q -Pcu124 -pl common -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-cu124.classpath -Dmdep.includeScope=test >/dev/null
CP="common/target/test-classes:common/target/classes:$(cat "$CPF")"
bench() {
    java -Xmx8g -Dai.djl.offline=true -cp "$CP" "io.tensorswarm.common.bench.$1" "${@:2}"
}
sampled ours-train bench TrainingBench "$PRESET" "$BATCH" "$SEQ" "$STEPS" "$(nproc)" cuda 4096 "$PRECISION"
sampled ours-eval bench EvalBench "$PRESET" "$BATCH" "$SEQ" 3 "$(nproc)" cuda "$PRECISION"
cat "$OUT/ours-train.out" "$OUT/ours-eval.out"
echo
echo "Peak GPU memory per process (nvidia-smi, MiB; the java rows are ours, python3 the baselines they ran):"
for f in ours-train ours-eval torch-train torch-eval; do
    sed "s/^/$f: /" "$OUT/$f.gpu"
done
echo "results in $OUT"
