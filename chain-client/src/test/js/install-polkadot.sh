#!/usr/bin/env bash
# Installs the pinned polkadot-js packages of package.json (next to this script) into the cache
# directory given as $1 (git-ignored, e.g. <repo>/.cache/npm-crosscheck). Idempotent: does
# nothing when the same package.json is already installed there. Exit status non-zero when npm
# is missing or the install fails; the calling test then skips.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${1:?usage: install-polkadot.sh <cache dir>}"
command -v npm >/dev/null || { echo "npm not found on PATH" >&2; exit 3; }
mkdir -p "$dest"
if [[ -f "$dest/node_modules/@polkadot/util-crypto/package.json" ]] && cmp -s "$here/package.json" "$dest/package.json"; then
  exit 0
fi
cp "$here/package.json" "$dest/package.json"
npm install --prefix "$dest" --no-audit --no-fund --no-package-lock --loglevel=error >&2
