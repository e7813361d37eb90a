#!/usr/bin/env bash
# Installs the Debian packages the tests use: python3-torch, python3-numpy and OpenBLAS for the Python
# cross-check tests, chromium for the orchestrator dashboard's headless-browser test, and promtool
# (package prometheus) and shellcheck for the operations files' tests. Installs only what is missing;
# does nothing when everything is already there.
set -euo pipefail

packages=()
if ! /usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1; then
    packages+=(python3-torch python3-numpy libopenblas0-pthread)
fi
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    packages+=(chromium)
fi
if ! command -v promtool >/dev/null 2>&1; then
    packages+=(prometheus)
fi
if ! command -v shellcheck >/dev/null 2>&1; then
    packages+=(shellcheck)
fi
if [ "${#packages[@]}" -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-test-deps: no apt-get here; install ${packages[*]} yourself" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
        echo "install-test-deps: not root and no password-less sudo; skipping" >&2
        exit 1
    fi
fi
echo "install-test-deps: installing ${packages[*]} (Debian packages)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${packages[@]}" >/dev/null
if [[ " ${packages[*]} " == *" python3-torch "* ]]; then
    /usr/bin/python3 -c 'import torch, numpy; print("install-test-deps: torch", torch.__version__, "numpy", numpy.__version__)'
fi
if [[ " ${packages[*]} " == *" chromium "* ]]; then
    echo "install-test-deps: $(chromium --version 2>/dev/null || echo 'chromium installed')"
fi
