#!/usr/bin/env bash
# Writes the env files the pm2 and systemd definitions read, from the sections of .env.example.
# Walk-through: docs/operations.md.
#
#   install-env.sh [--force] <dir> [miner|validator|averager|orchestrator|auto-update|miner-<name> ...]
#
# Always writes <dir>/common.env, plus one <name>.env per argument. A miner-<name>.env (one of
# several miners on a host) gets the settings each miner must have of its own, with the next free
# metrics port (9111, 9112, ...). Existing files are kept unless --force is given. Every setting
# stays commented out (the value shown is the default): uncomment and edit what you need.
# Files are mode 640 (group tensorswarm when that group exists), the folder 750: they hold secrets.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
example="$here/../../.env.example"
force=0
if [[ "${1:-}" == --force ]]; then
    force=1
    shift
fi
[[ $# -ge 1 && "$1" != -* ]] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
dir="$1"
shift
[[ -f "$example" ]] || { echo "install-env: $example not found" >&2; exit 1; }


# Prints the body of section "[<file>]" of .env.example (up to the next "# ==== " header).
section() {
    awk -v want="# ==== [$1] " '
        index($0, "# ==== ") == 1 { inside = (index($0, want) == 1); if (inside) print; next }
        inside { print }' "$example"
}

write() { # <file name> <content>
    local target="$dir/$1"
    if [[ -e "$target" && $force -eq 0 ]]; then
        echo "install-env: keeping existing $target"
        return
    fi
    local tmp
    tmp="$(mktemp "$dir/.$1.XXXXXX")"
    printf '%s\n' "$2" > "$tmp"
    chmod 640 "$tmp"
    [[ -z "$group" ]] || chgrp "$group" "$tmp"
    mv -f "$tmp" "$target"
    echo "install-env: wrote $target"
}

from_example() { # <name>
    local body
    body="$(section "$1.env")"
    [[ -n "$body" ]] || { echo "install-env: no section [$1.env] in .env.example" >&2; exit 2; }
    write "$1.env" "# Tensorswarm: $1.env, made by scripts/ops/install-env.sh from .env.example.
# One setting per line (NAME=value), comments on their own lines. Uncomment and edit what you need.

$body"
}

next_miner_port() {
    local port=9111
    while grep -qs "^TS_METRICS_PORT=$port\$" "$dir"/miner-*.env; do
        port=$((port + 1))
    done
    echo "$port"
}

for name in "$@"; do
    [[ "$name" =~ ^(miner|validator|averager|orchestrator|auto-update|miner-[A-Za-z0-9_-]+)$ ]] \
        || { echo "install-env: unknown daemon: $name (miner, validator, averager, orchestrator, auto-update, miner-<name>)" >&2; exit 2; }
done
group=""
if getent group tensorswarm >/dev/null 2>&1; then
    group=tensorswarm
fi
mkdir -p "$dir"
chmod 750 "$dir"
[[ -z "$group" ]] || chgrp "$group" "$dir"

from_example common
for name in "$@"; do
    case "$name" in
        miner|validator|averager|orchestrator|auto-update)
            from_example "$name" ;;
        miner-*)
            instance="${name#miner-}"
            port="$(next_miner_port)"
            write "$name.env" "# Tensorswarm: settings of miner \"$instance\" only, read after common.env and miner.env
# (pm2: app tensorswarm-miner-$instance; systemd: tensorswarm-miner@$instance.service).
# Every miner on a host needs its own metrics port, hotkey, storage location and state folder.

TS_METRICS_PORT=$port
# BT_WALLET_HOTKEY=$instance
# TS_STORAGE_LOCATION=s3://my-bucket/tensorswarm/$instance
# State folder (default /var/lib/tensorswarm/miner-$instance).
# TS_STATE_DIR=/var/lib/tensorswarm/miner-$instance
# TS_DEVICE=cuda:0
# OMP_NUM_THREADS=4" ;;
    esac
done
