#!/usr/bin/env bash
# Install the pinned Regal (the Rego linter) into .tools/bin with `go install`, like OPA.
# Exits 1 with the reason when it cannot (no Go, or the Go module proxy refuses the
# module); `make setup` then records that reason in .tools/regal.unavailable, and
# `make policy` prints it instead of pretending Regal ran.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=v0.36.1
bindir="$root/.tools/bin"
regal="$bindir/regal"
mkdir -p "$bindir"

if [ -x "$regal" ] && "$regal" version 2>/dev/null | grep "${version#v}" >/dev/null; then
  echo "Regal ${version} already installed at $regal"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "mrm-gate: cannot install Regal ${version}: Go is not installed (install Go and run 'make setup' again)" >&2
  exit 1
fi
echo "building Regal ${version} with 'go install'"
if ! out=$(GOBIN="$bindir" GOFLAGS="${GOFLAGS:--buildvcs=false}" \
    go install "github.com/open-policy-agent/regal@${version}" 2>&1); then
  echo "mrm-gate: cannot install Regal ${version}: go install failed:" >&2
  echo "$out" >&2
  exit 1
fi
"$regal" version | sed -n 1p
