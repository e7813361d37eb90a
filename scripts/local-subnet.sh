#!/usr/bin/env bash
# A whole subnet on one machine, as separate processes of the real jars: an embedded chain, the
# orchestrator, the averager, N honest miners, optional adversaries (the attack gym, dist/gym.jar)
# and one validator.
#
#   ./scripts/local-subnet.sh [--miners N] [--rounds N] [--adversaries all|KIND,KIND...]
#                             [--report FILE] [--workdir DIR] [--device cpu|cuda] [--preset tiny|gpt2|gpt2-medium]
#
# Prints each round (validator's base loss; each miner's kind, improvement, score, weight and
# rejection reason; the averager's new base loss), then each miner's final weight and the verdict
# (PASS: every adversary below 5% of the lowest honest weight and no honest miner ever rejected),
# and writes the report JSON (default <workdir>/report.json). Exits 0 whatever the verdict.
# Ctrl-C, or the end of the last round, stops every process it started. Wallets are kept in
# <workdir>/wallets between runs (creating one costs ~10 s of Argon2); everything else is rebuilt.
# Timing knobs (environment): LS_BLOCK_TIME (1s), LS_ROUND_BLOCKS (40), LS_DEADLINE_MARGIN (20),
# LS_TRAIN_STEPS (12; 0: honest miners train until the deadline and the adversaries 12), LS_TRAIN_WARMUP (12), LS_BATCH_SIZE (4), LS_PAGES (24), LS_EVAL_PAGES (8), LS_LR (2e-3);
# LS_MERGE_DELAY (3 blocks after the upload window); LS_HTTP_PORT (0 = any free port) for the
# orchestrator's API and dashboard; LS_MERGE_BATCH: the averager's --merge.batch-size (8 tiny, 1 gpt2);
# LS_EVAL_BATCH: the validator's --batch-size (8 tiny, 2 gpt2);
# LS_MERGE_PAGES (8): its fit and check pages each; LS_MIXING_ITERATIONS (3); LS_GYM_ARGS: extra flags for every adversary (e.g.
# "--noisy.cosine 0.8"); LS_HEAP: the daemons' -Xmx (1g for tiny, 6g for the gpt2 presets, whose
# base, trained weights and delta are Java arrays of 0.5-1.4 GB each).
# See docs/local-subnet.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MINERS=3
ROUNDS=5
ADVERSARIES=""
REPORT=""
WORKDIR="work/local-subnet"
DEVICE="cpu"
PRESET="tiny"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --miners) MINERS="$2"; shift 2 ;;
        --rounds) ROUNDS="$2"; shift 2 ;;
        --adversaries) ADVERSARIES="$2"; shift 2 ;;
        --report) REPORT="$2"; shift 2 ;;
        --workdir) WORKDIR="$2"; shift 2 ;;
        --device) DEVICE="$2"; shift 2 ;;
        --preset) PRESET="$2"; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "local-subnet: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done
[[ "$MINERS" =~ ^[1-9][0-9]*$ ]] || { echo "local-subnet: --miners must be a positive integer" >&2; exit 2; }
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "local-subnet: --rounds must be a positive integer" >&2; exit 2; }
case "$PRESET" in
    tiny) HEAP="${LS_HEAP:-1g}"; MERGE_BATCH="${LS_MERGE_BATCH:-8}"; EVAL_BATCH="${LS_EVAL_BATCH:-8}" ;;
    # A gpt2 gradient pass on 1024-token pages takes about 3 GB per page: the averager's mixing fit goes one
    # page at a time, and the validator evaluates 2 pages per pass (at 8, with a miner, the averager and the
    # orchestrator beside it on 24 GB, the kernel killed it in every evaluation). Large tensors go to mmap and
    # back to the kernel when freed (glibc otherwise keeps them in its heap once the threshold has grown).
    gpt2|gpt2-medium) HEAP="${LS_HEAP:-6g}"; MERGE_BATCH="${LS_MERGE_BATCH:-1}"; EVAL_BATCH="${LS_EVAL_BATCH:-2}"
        export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-131072}" ;;
    *) echo "local-subnet: --preset must be tiny, gpt2 or gpt2-medium" >&2; exit 2 ;;
esac
# The gym's kinds (java -jar dist/gym.jar kinds); "all" runs each once.
GYM_KINDS=(lazy copier scaled-copier noisy-copier mixer replayer stale finetune-copier noisy-finetune-copier noise norm-bomb griefer sybil)
[[ "$ADVERSARIES" == all ]] && ADVERSARIES="$(IFS=,; echo "${GYM_KINDS[*]}")"
IFS=',' read -r -a ADVERSARY_LIST <<< "$ADVERSARIES"
declare -A SEEN_KIND=()
for a in "${ADVERSARY_LIST[@]}"; do
    [[ " ${GYM_KINDS[*]} " == *" $a "* ]] || { echo "local-subnet: unknown adversary '$a' (all, or some of: ${GYM_KINDS[*]})" >&2; exit 2; }
    [[ -z "${SEEN_KIND[$a]:-}" ]] || { echo "local-subnet: adversary '$a' given twice" >&2; exit 2; }
    SEEN_KIND[$a]=1
done

BLOCK_TIME="${LS_BLOCK_TIME:-1s}"
ROUND_BLOCKS="${LS_ROUND_BLOCKS:-40}"
MARGIN="${LS_DEADLINE_MARGIN:-20}"
TRAIN_STEPS="${LS_TRAIN_STEPS:-12}"
# The attack gym trains a fixed step count (it has no deadline mode); 12 is about what an honest
# miner trains in a round on a loaded 2-core machine.
GYM_TRAIN_STEPS=$(( TRAIN_STEPS > 0 ? TRAIN_STEPS : 12 ))
TRAIN_WARMUP="${LS_TRAIN_WARMUP:-12}"
BATCH_SIZE="${LS_BATCH_SIZE:-4}"
PAGES="${LS_PAGES:-24}"
EVAL_PAGES="${LS_EVAL_PAGES:-8}"
LR="${LS_LR:-2e-3}"
NETUID=1
STARTED_AT=$(date +%s)

step() { printf '== %s\n' "$*"; }
PYTHON="$(command -v python3)"
REPORTER=("$PYTHON" "$ROOT/scripts/local_subnet_report.py")

if [[ ! -f dist/miner.jar || ! -f dist/validator.jar || ! -f dist/averager.jar || ! -f dist/orchestrator.jar \
      || ! -f dist/gym.jar ]]; then
    step "building the jars (mvn -B -q -DskipTests install)"
    mvn -B -q -DskipTests install
fi
./scripts/fetch-corpus.sh
[[ "$PRESET" == gpt2* ]] && ./scripts/fetch-gpt2-tokenizer.sh
DATA="$ROOT/data/brown"

mkdir -p "$WORKDIR"
WORKDIR="$(cd "$WORKDIR" && pwd)"
REPORT="${REPORT:-$WORKDIR/report.json}"
WALLETS="$WORKDIR/wallets"
CHAIN="$WORKDIR/chain"
LOGS="$WORKDIR/logs"
STATE="$WORKDIR/state"
STORES="$WORKDIR/stores"
TOKENS="$WORKDIR/tokens"
rm -rf "$CHAIN" "$LOGS" "$STATE" "$STORES" "$WORKDIR/model0" "$WORKDIR/miners.tsv"
mkdir -p "$WALLETS" "$LOGS" "$STATE" "$STORES"

# One thread per process: many JVMs share few cores; libtorch's spinning OpenMP threads starve the rest.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export BT_COLDKEY_PASSWORD="${BT_COLDKEY_PASSWORD:-local-subnet-only}"
# SuppressFatalErrorMessage: a JVM that crashes in native code exits at once instead of hanging
# in its error report, so the supervisor below can restart it.
JAVA=(java "-Xmx$HEAP" "-XX:ErrorFile=$LOGS/hs_err_%p.log")
# G1PeriodicGCInterval: an idle daemon returns unused heap to the OS (four gpt2 daemons on one machine).
DAEMON_JAVA=(java "-Xmx$HEAP" -XX:+SuppressFatalErrorMessage -XX:G1PeriodicGCInterval=60000)
# The averager's merge holds several host copies of the model as large arrays, which G1 never moves:
# ParallelGC compacts them (a gpt2-medium merge fits -Xmx9g with it and not -Xmx11g with G1).
AVERAGER_JAVA=(java "-Xmx$HEAP" -XX:+SuppressFatalErrorMessage -XX:+UseParallelGC)
GYM_JAVA=(java -Xmx512m -XX:+SuppressFatalErrorMessage)
CHAIN_FLAGS=(--subtensor.network embedded --local-chain.dir "$CHAIN")
ROUND_FLAGS=(--round.blocks "$ROUND_BLOCKS" --round.deadline-margin "$MARGIN")
DATA_FLAGS=(--data "$DATA" --token-cache "$TOKENS")

# ---- processes: each in its own session (process group), stopped on exit or Ctrl-C -------------
PIDS=()
NAMES=()
stop_all() {
    local pid i
    trap - INT TERM EXIT
    [[ ${#PIDS[@]} -eq 0 ]] && return 0
    step "stopping ${#PIDS[@]} processes"
    for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    for i in $(seq 1 50); do
        local alive=0
        for pid in "${PIDS[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
        [[ $alive -eq 0 ]] && break
        sleep 0.2
    done
    for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    PIDS=()
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

# alive PID: the process exists and is not a zombie (nothing reaps the daemons before the end).
alive() {
    local stat
    stat="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
    [[ -n "$stat" && "$stat" != Z* ]]
}

# start NAME COMMAND...: runs COMMAND in a new session with its output in $LOGS/NAME.log, and
# restarts it (at most $MAX_RESTARTS times) when it dies of anything but a clean exit or a stop
# signal (see docs/local-subnet.md); each restart is logged as "local-subnet: restarting".
MAX_RESTARTS=5
start() {
    local name="$1"; shift
    setsid bash -c '
        max="$1"; shift; n=0
        while :; do
            "$@"; rc=$?
            if [[ $rc -eq 0 || $rc -eq 130 || $rc -eq 143 || $n -ge $max ]]; then exit $rc; fi
            n=$((n + 1))
            echo "local-subnet: restarting after exit code $rc (restart $n of $max)"
            sleep 1
        done' supervise "$MAX_RESTARTS" "$@" > "$LOGS/$name.log" 2>&1 < /dev/null &
    PIDS+=("$!")
    NAMES+=("$name")
}

# ---- wallets --------------------------------------------------------------------------------
# Every adversary has its own wallet, named after its kind; the sybil has a second one, sybil-2.
WALLET_NAMES=(validator)
KINDS=()
HONEST=()
for i in $(seq 1 "$MINERS"); do WALLET_NAMES+=("miner-$i"); KINDS+=("honest"); HONEST+=("miner-$i"); done
for a in "${ADVERSARY_LIST[@]}"; do
    WALLET_NAMES+=("$a"); KINDS+=("$a")
    [[ "$a" == sybil ]] && { WALLET_NAMES+=("sybil-2"); KINDS+=("sybil"); }
done

step "wallets in $WALLETS (${WALLET_NAMES[*]})"
missing=()
for w in "${WALLET_NAMES[@]}"; do
    [[ -f "$WALLETS/$w/coldkeypub.txt" && -f "$WALLETS/$w/hotkeys/default" ]] || missing+=("$w")
done
# Two at a time: each creation runs Argon2 over 512 MiB.
for ((i = 0; i < ${#missing[@]}; i += 2)); do
    for w in "${missing[@]:i:2}"; do
        # stdout holds the new mnemonics: it goes beside the wallet files, readable by the owner only,
        # never into logs/.
        (umask 077; "${JAVA[@]}" -jar dist/miner.jar wallet create --wallet.name "$w" --wallet.path "$WALLETS" \
            > "$WALLETS/.mnemonics-$w.txt" 2> "$LOGS/wallet-$w.log") &
    done
    wait
done
for w in "${missing[@]}"; do
    [[ -f "$WALLETS/$w/hotkeys/default" ]] || { echo "local-subnet: creating wallet $w failed (see $LOGS/wallet-$w.log)" >&2; exit 1; }
    mv "$WALLETS/.mnemonics-$w.txt" "$WALLETS/$w/mnemonics.txt"
done
for w in "${WALLET_NAMES[@]}"; do
    [[ -f "$WALLETS/$w/hotkeys/default" ]] || { echo "local-subnet: wallet $w is incomplete (see $LOGS/wallet-$w.log)" >&2; exit 1; }
done
ss58() { "$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["ss58Address"])' "$1"; }
declare -A HOTKEY
FUND=()
for w in "${WALLET_NAMES[@]}"; do
    HOTKEY[$w]="$(ss58 "$WALLETS/$w/hotkeys/defaultpub.txt")"
    FUND+=(--fund "$(ss58 "$WALLETS/$w/coldkeypub.txt")=10000000000")
done
for ((i = 1; i < ${#WALLET_NAMES[@]}; i++)); do
    w="${WALLET_NAMES[$i]}"
    printf '%s\t%s\t%s\n' "$w" "${KINDS[$((i - 1))]}" "${HOTKEY[$w]}" >> "$WORKDIR/miners.tsv"
done

# ---- chain ------------------------------------------------------------------------------------
step "embedded chain in $CHAIN (block time $BLOCK_TIME, round $ROUND_BLOCKS blocks, deadline margin $MARGIN)"
"${JAVA[@]}" -jar dist/orchestrator.jar chain local-init "${CHAIN_FLAGS[@]}" --netuid "$NETUID" \
    --block-time "$BLOCK_TIME" --tempo 10 --weights-rate-limit 5 --commit-reveal off "${FUND[@]}" \
    > "$LOGS/chain-init.log" 2>&1 || { cat "$LOGS/chain-init.log" >&2; exit 1; }
for ((i = 0; i < ${#WALLET_NAMES[@]}; i += 2)); do
    for w in "${WALLET_NAMES[@]:i:2}"; do
        "${JAVA[@]}" -jar dist/miner.jar chain register --netuid "$NETUID" "${CHAIN_FLAGS[@]}" \
            --wallet.name "$w" --wallet.path "$WALLETS" > "$LOGS/register-$w.log" 2>&1 &
    done
    wait
done
for w in "${WALLET_NAMES[@]}"; do
    grep -qi "uid" "$LOGS/register-$w.log" || { echo "local-subnet: registering $w failed:" >&2; cat "$LOGS/register-$w.log" >&2; exit 1; }
done
"${JAVA[@]}" -jar dist/orchestrator.jar chain local-stake "${CHAIN_FLAGS[@]}" --netuid "$NETUID" \
    --hotkey "${HOTKEY[validator]}" --rao 1000000000000 > "$LOGS/stake.log" 2>&1 || { cat "$LOGS/stake.log" >&2; exit 1; }
echo "registered ${#WALLET_NAMES[@]} hotkeys; validator ${HOTKEY[validator]} staked"

# ---- base model -------------------------------------------------------------------------------
BASE_LOCATION="file://$STORES/averager"
mkdir -p "$STORES/averager"
step "averager: init --preset $PRESET, publish to $BASE_LOCATION"
"${JAVA[@]}" -jar dist/averager.jar init --preset "$PRESET" --seed 1 --out "$WORKDIR/model0" > "$LOGS/init.log" 2>&1 \
    || { cat "$LOGS/init.log" >&2; exit 1; }
"${JAVA[@]}" -jar dist/averager.jar publish --model "$WORKDIR/model0" --storage.location "$BASE_LOCATION" \
    > "$LOGS/publish.log" 2>&1 || { cat "$LOGS/publish.log" >&2; exit 1; }

# ---- daemons ----------------------------------------------------------------------------------
# The first reported round starts at least a full round from now: the daemons' JVMs, the base model
# download and the first tokenization must be done before it, even on a loaded 2-core machine.
FIRST_ROUND=$(( ($("${REPORTER[@]}" block "$CHAIN") + ROUND_BLOCKS) / ROUND_BLOCKS + 1 ))
LAST_ROUND=$((FIRST_ROUND + ROUNDS - 1))
step "starting the daemons; reporting rounds $FIRST_ROUND..$LAST_ROUND (logs in $LOGS)"
start orchestrator "${DAEMON_JAVA[@]}" -jar dist/orchestrator.jar run --netuid "$NETUID" "${CHAIN_FLAGS[@]}" \
    --http.port "${LS_HTTP_PORT:-0}" --state.dir "$STATE/orchestrator" --base.location "$BASE_LOCATION" \
    "${DATA_FLAGS[@]}" --dashboard.validator-state "$STATE/validator" "${ROUND_FLAGS[@]}" --assign.pages "$PAGES"
start averager "${AVERAGER_JAVA[@]}" -jar dist/averager.jar run --netuid "$NETUID" "${CHAIN_FLAGS[@]}" \
    --storage.location "$BASE_LOCATION" "${DATA_FLAGS[@]}" --state.dir "$STATE/averager" --device "$DEVICE" \
    "${ROUND_FLAGS[@]}" --merge.delay-blocks "${LS_MERGE_DELAY:-3}" --merge.top-g "$((${#WALLET_NAMES[@]} - 1))" \
    --merge.fit-pages "${LS_MERGE_PAGES:-8}" --merge.check-pages "${LS_MERGE_PAGES:-8}" \
    --merge.mixing-iterations "${LS_MIXING_ITERATIONS:-3}" --merge.batch-size "$MERGE_BATCH" \
    --miner.pages "$PAGES" \
    --locators.allow file \
    --start-round "$((FIRST_ROUND - 1))" --poll-seconds 1
# (The averager starts a round before the first reported one, as the validator does, so that its
# replay screen has the sketches of an earlier round when the first reported round is scored.)
# The miners and the validator send their heartbeats to the orchestrator: wait for its URL.
ORCHESTRATOR_URL=""
for _ in $(seq 1 60); do
    ORCHESTRATOR_URL=$(grep -o 'Dashboard on http://[^ ]*' "$LOGS/orchestrator.log" 2>/dev/null | head -1 | cut -d' ' -f3 || true)
    [[ -n "$ORCHESTRATOR_URL" ]] && { echo "dashboard: $ORCHESTRATOR_URL"; break; }
    alive "${PIDS[0]}" || break
    sleep 1
done
[[ -n "$ORCHESTRATOR_URL" ]] || { echo "local-subnet: the orchestrator printed no dashboard URL; see $LOGS/orchestrator.log" >&2; exit 1; }
for w in "${HONEST[@]}"; do
    mkdir -p "$STORES/$w"
    start "$w" "${DAEMON_JAVA[@]}" -jar dist/miner.jar run --netuid "$NETUID" "${CHAIN_FLAGS[@]}" \
        --wallet.name "$w" --wallet.path "$WALLETS" --storage.location "file://$STORES/$w" \
        --base.location "$BASE_LOCATION" "${DATA_FLAGS[@]}" --state.dir "$STATE/$w" --device "$DEVICE" \
        "${ROUND_FLAGS[@]}" --pages "$PAGES" --train.steps "$TRAIN_STEPS" --train.warmup "$TRAIN_WARMUP" \
        --train.batch-size "$BATCH_SIZE" --train.lr "$LR" --worker in-process --poll PT1S --orchestrator.url "$ORCHESTRATOR_URL"
done
# The adversaries: one gym process per kind, publishing through miner.jar publish (see docs/local-subnet.md).
# They aim at the honest miners' deltas, as an attacker would aim at the best-paid ones.
TARGETS="$(for w in "${HONEST[@]}"; do printf '%s,' "${HOTKEY[$w]}"; done)"
for a in "${ADVERSARY_LIST[@]}"; do
    twin=()
    [[ "$a" == sybil ]] && twin=(--twin.wallet.name sybil-2)
    mkdir -p "$STORES/$a"
    start "$a" "${GYM_JAVA[@]}" -jar dist/gym.jar run --kind "$a" --netuid "$NETUID" "${CHAIN_FLAGS[@]}" \
        --wallet.name "$a" --wallet.path "$WALLETS" "${twin[@]}" --storage.location "file://$STORES/$a" \
        --base.location "$BASE_LOCATION" "${DATA_FLAGS[@]}" --state.dir "$STATE/$a" --device "$DEVICE" \
        "${ROUND_FLAGS[@]}" --pages "$PAGES" --train.steps "$GYM_TRAIN_STEPS" --train.batch-size "$BATCH_SIZE" \
        --train.lr "$LR" --target "${TARGETS%,}" --poll PT1S --miner.jvm-args "-Xmx512m -XX:TieredStopAtLevel=1" \
        ${LS_GYM_ARGS:-}
done
start validator "${DAEMON_JAVA[@]}" -jar dist/validator.jar run --netuid "$NETUID" "${CHAIN_FLAGS[@]}" \
    --wallet.name validator --wallet.path "$WALLETS" --base.location "$BASE_LOCATION" "${DATA_FLAGS[@]}" \
    --state.dir "$STATE/validator" --device "$DEVICE" "${ROUND_FLAGS[@]}" \
    --assigned-pages "$PAGES" --eval-pages "$EVAL_PAGES" --batch-size "$EVAL_BATCH" --locators.allow file,s3,hf \
    --orchestrator.url "$ORCHESTRATOR_URL"

# ---- rounds -----------------------------------------------------------------------------------
# A round is reported once the validator's and the averager's files exist, or given up on when
# the chain is a full round past the round's end.
round_done() {
    [[ -f "$STATE/validator/rounds/$1.json" && -f "$STATE/averager/merges/$1.json" ]]
}
for ((r = FIRST_ROUND; r <= LAST_ROUND; r++)); do
    give_up=$(( (r + 2) * ROUND_BLOCKS ))
    until round_done "$r"; do
        for ((i = 0; i < ${#PIDS[@]}; i++)); do
            if ! alive "${PIDS[$i]}"; then
                echo "local-subnet: ${NAMES[$i]} died; see $LOGS/${NAMES[$i]}.log" >&2
                exit 1
            fi
        done
        if (( $("${REPORTER[@]}" block "$CHAIN") > give_up )); then
            echo "local-subnet: round $r incomplete at block $give_up (validator: $([[ -f "$STATE/validator/rounds/$r.json" ]] && echo "done" || echo missing), averager: $([[ -f "$STATE/averager/merges/$r.json" ]] && echo "done" || echo missing))" >&2
            break
        fi
        sleep 1
    done
    "${REPORTER[@]}" line "$WORKDIR" "$r"
    "${REPORTER[@]}" write "$WORKDIR" "$FIRST_ROUND" "$r" "$REPORT"
done
"${REPORTER[@]}" final "$REPORT"
# End-to-end check of the signed heartbeats: the orchestrator's dashboard shows one from every daemon
# (the validator and the honest miners; the gym's adversaries send none).
HEARTBEAT_KEYS=("${HOTKEY[validator]}")
for w in "${HONEST[@]}"; do HEARTBEAT_KEYS+=("${HOTKEY[$w]}"); done
if ! "$PYTHON" - "$ORCHESTRATOR_URL" "${HEARTBEAT_KEYS[@]}" <<'PY'
import json, sys, urllib.request
url, hotkeys = sys.argv[1], set(sys.argv[2:])
miners = json.load(urllib.request.urlopen(url + "v1/dashboard", timeout=10))["miners"]
missing = hotkeys - {m["hotkey"] for m in miners if m.get("lastHeartbeatMillis")}
print("heartbeats: %d of %d daemons seen by the orchestrator%s"
      % (len(hotkeys) - len(missing), len(hotkeys), "; none from " + ", ".join(sorted(missing)) if missing else ""))
sys.exit(1 if missing else 0)
PY
then
    echo "local-subnet: a daemon sent no heartbeat to $ORCHESTRATOR_URL (see the logs in $LOGS)" >&2
    exit 1
fi
stop_all
for name in "${NAMES[@]}"; do
    n=$(grep -c "^local-subnet: restarting" "$LOGS/$name.log" || true)
    [[ "$n" -gt 0 ]] && echo "warning: $name was restarted $n time(s) after a crash (see $LOGS/$name.log)"
done
echo "report: $REPORT ($(( $(date +%s) - STARTED_AT )) s in all)"
