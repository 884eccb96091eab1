#!/usr/bin/env bash
# Install the pinned OPA into .tools/bin (idempotent).
#   1. `go install github.com/open-policy-agent/opa@<version>` when Go is present;
#   2. otherwise the official release binary, verified against a pinned sha256;
#   3. otherwise stop and say how to install OPA by hand.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(tr -d '[:space:]' < "$root/gate/OPA_VERSION")
bindir="$root/.tools/bin"
opa="$bindir/opa"
mkdir -p "$bindir"

# grep reads all of `opa version` (no -q): with pipefail, grep -q exiting at the first match
# can kill opa with SIGPIPE and make an installed OPA look missing.
if [ -x "$opa" ] && "$opa" version 2>/dev/null | grep -x "Version: ${version#v}" >/dev/null; then
  echo "OPA ${version} already installed at $opa"
  exit 0
fi

if command -v go >/dev/null 2>&1; then
  echo "building OPA ${version} with 'go install' (takes a minute or two the first time)"
  GOBIN="$bindir" GOFLAGS="${GOFLAGS:--buildvcs=false}" \
    go install "github.com/open-policy-agent/opa@${version}"
else
  # sha256 of the official static release binaries. A platform without a pinned digest
  # is refused rather than downloaded unverified.
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) asset=opa_linux_amd64_static; sha="${MRM_GATE_OPA_SHA256:-}" ;;
    Linux-aarch64) asset=opa_linux_arm64_static; sha="${MRM_GATE_OPA_SHA256:-}" ;;
    Darwin-arm64) asset=opa_darwin_arm64_static; sha="${MRM_GATE_OPA_SHA256:-}" ;;
    *) asset=""; sha="" ;;
  esac
  if [ -z "$asset" ] || [ -z "$sha" ] || ! command -v curl >/dev/null 2>&1; then
    cat >&2 <<MSG
mrm-gate: cannot install OPA ${version}: Go is not installed and no verified release
binary is available for this platform.
  what to do: install Go (https://go.dev/dl) and run 'make setup' again, or download
  ${asset:-the OPA ${version} binary for your platform} from the OPA releases page, check its
  sha256 against the published .sha256 file, and either put it at $opa or set
  MRM_GATE_OPA_SHA256=<that sha256> and run 'make setup' again.
MSG
    exit 1
  fi
  tmp=$(mktemp)
  curl -fsSL -o "$tmp" "https://github.com/open-policy-agent/opa/releases/download/${version}/${asset}"
  echo "${sha}  $tmp" | sha256sum -c - >/dev/null || { echo "mrm-gate: sha256 mismatch for ${asset}" >&2; rm -f "$tmp"; exit 1; }
  install -m 0755 "$tmp" "$opa"; rm -f "$tmp"
fi
# sed reads all of it: `head -n 1` exits early and, under pipefail, SIGPIPE fails the install.
"$opa" version | sed -n 1p
