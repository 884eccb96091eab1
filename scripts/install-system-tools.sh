#!/usr/bin/env bash
# Install the Debian packages the tests drive for real (idempotent):
#   chromium  - the documentation pack is rendered and checked in headless Chromium;
#   faketime  - `make test-dates` runs the demo and the date-sensitive tests under a
#               shifted system clock.
# As root (CI, containers) it installs them with apt-get; with password-less sudo through
# sudo; otherwise it stops and prints the one command to run. To run every other test
# without the browser, use `make test BROWSER_TESTS=0`: the browser tests are then reported
# as NOT RUN, loudly.
set -euo pipefail
want="${*:-chromium faketime}"
missing=()
for pkg in $want; do
  case "$pkg" in
    chromium) command -v chromium >/dev/null 2>&1 || missing+=(chromium) ;;
    faketime) command -v faketime >/dev/null 2>&1 || missing+=(faketime) ;;
    *) echo "install-system-tools: unknown package $pkg" >&2; exit 2 ;;
  esac
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  apt=(apt-get)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  apt=(sudo apt-get)
else
  echo "mrm-gate: the tests need Debian's ${missing[*]}; install with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  echo "(or run 'make test BROWSER_TESTS=0' to leave the browser tests out, reported as NOT RUN)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "mrm-gate: no apt-get here; install ${missing[*]} with your package manager" >&2
  exit 1
fi
echo "installing ${missing[*]} with apt-get"
DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -qq
DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "${missing[@]}" >/dev/null
