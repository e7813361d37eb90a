#!/usr/bin/env bash
# Installs the Debian packages the Python cross-check tests use (python3-torch, python3-numpy,
# OpenBLAS). Does nothing when they are already importable by /usr/bin/python3.
set -euo pipefail

if /usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-test-deps: no apt-get here; install python3-torch and python3-numpy yourself" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
        echo "install-test-deps: not root and no password-less sudo; skipping" >&2
        exit 1
    fi
fi
echo "install-test-deps: installing python3-torch python3-numpy libopenblas0-pthread (Debian packages)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-torch python3-numpy libopenblas0-pthread >/dev/null
/usr/bin/python3 -c 'import torch, numpy; print("install-test-deps: torch", torch.__version__, "numpy", numpy.__version__)'
