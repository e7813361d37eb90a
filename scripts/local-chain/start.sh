#!/usr/bin/env bash
# Starts a real subtensor runtime under chopsticks on 127.0.0.1 (foreground; stop it with SIGTERM).
#
#   TS_SUBTENSOR_RUNTIME=/path/to/raonet.json scripts/local-chain/start.sh [port]
#
# TS_SUBTENSOR_RUNTIME   a raw chain spec (e.g. opentensor/subtensor scripts/specs/raonet.json), or a
#                        runtime .wasm to run on top of the spec in TS_SUBTENSOR_CHAINSPEC
# TS_SUBTENSOR_CHAINSPEC the raw chain spec (alternative name; required when RUNTIME is a .wasm)
# TS_LOCAL_CHAIN_HOME    where chopsticks is installed with npm and runs are prepared
#                        (default: <repo>/.cache/local-chain, git-ignored)
# Prints "RPC listening on ... ws://127.0.0.1:<port>" when ready.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
port="${1:-9944}"
home="${TS_LOCAL_CHAIN_HOME:-$repo/.cache/local-chain}"

runtime="${TS_SUBTENSOR_RUNTIME:-}"
spec="${TS_SUBTENSOR_CHAINSPEC:-}"
wasm=""
if [[ "$runtime" == *.wasm ]]; then
  wasm="$runtime"
elif [[ -n "$runtime" ]]; then
  spec="$runtime"
fi
if [[ -z "$spec" || ! -f "$spec" ]]; then
  echo "start.sh: set TS_SUBTENSOR_RUNTIME (or TS_SUBTENSOR_CHAINSPEC) to a raw subtensor chain spec; got '${spec}'" >&2
  exit 2
fi
if [[ -n "$wasm" && ! -f "$wasm" ]]; then
  echo "start.sh: runtime wasm $wasm does not exist" >&2
  exit 2
fi

mkdir -p "$home"
if [[ ! -x "$home/node_modules/.bin/chopsticks" ]] || ! cmp -s "$here/package.json" "$home/package.json"; then
  cp "$here/package.json" "$home/package.json"
  echo "start.sh: installing chopsticks into $home (npm, a few minutes the first time)" >&2
  (cd "$home" && npm install --no-audit --no-fund --loglevel=error >&2)
fi

run="$home/run-$port"
mkdir -p "$run"
genesis="$run/genesis.json"
node "$here/patch-genesis.mjs" "$spec" "$genesis" >&2

override=""
if [[ -n "$wasm" ]]; then
  override="wasm-override: $wasm"
fi
sed -e "s#@GENESIS@#$genesis#" -e "s#@PORT@#$port#" -e "s#@WASM_OVERRIDE@#$override#" \
  "$here/chopsticks.yml.in" > "$run/chopsticks.yml"

cd "$run"
exec node "$home/node_modules/@acala-network/chopsticks/chopsticks.cjs" -c "$run/chopsticks.yml"
