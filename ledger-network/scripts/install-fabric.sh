#!/usr/bin/env bash
# Installs Hyperledger Fabric v3.1.5 (peer, orderer, osnadmin, configtxgen, cryptogen and the ccaas builder) with
# `go install`, and copies core.yaml/orderer.yaml from the module's sampleconfig. Idempotent: does nothing when the
# installed peer already reports 3.1.5. Everything lives under ~/.cache/countersign.
#   FABRIC_HOME   where to install (default ~/.cache/countersign/fabric)
set -euo pipefail

cache="${XDG_CACHE_HOME:-$HOME/.cache}/countersign"
FABRIC_HOME="${FABRIC_HOME:-$cache/fabric}"
# v3.1.5 is commit 86c1172bec37; its go.mod says `module github.com/hyperledger/fabric` (no /v3), so the v3 tags are
# not valid module versions and the pseudo-version of that commit is what `go install` accepts.
FABRIC_VERSION=3.1.5
FABRIC_COMMIT=86c1172bec37
FABRIC_MOD_VER=v1.4.0-rc1.0.20260618074816-$FABRIC_COMMIT
CCAAS_MOD_VER=v0.0.0-20260618074816-$FABRIC_COMMIT

say() { printf 'fabric: %s\n' "$*" >&2; }

installed() {
    [ -x "$FABRIC_HOME/bin/peer" ] && [ -x "$FABRIC_HOME/bin/orderer" ] && [ -x "$FABRIC_HOME/bin/osnadmin" ] \
        && [ -x "$FABRIC_HOME/bin/configtxgen" ] && [ -x "$FABRIC_HOME/bin/cryptogen" ] \
        && [ -x "$FABRIC_HOME/builders/ccaas/bin/release" ] && [ -f "$FABRIC_HOME/config/core.yaml" ] \
        && [ -f "$FABRIC_HOME/config/orderer.yaml" ] \
        && "$FABRIC_HOME/bin/peer" version 2>/dev/null | grep -q "Version: v\?$FABRIC_VERSION"
}

if installed; then
    exit 0
fi

command -v go >/dev/null 2>&1 || { say "Go 1.26.4 or later is needed to build Fabric (https://go.dev/dl/)"; exit 1; }
export GOMODCACHE="${GOMODCACHE:-$cache/go/mod}"
export GOCACHE="${GOCACHE:-$cache/go/build}"
export GOFLAGS=-mod=mod
export CGO_ENABLED=0
export GOTOOLCHAIN=local

started=$(date +%s)
say "building Fabric $FABRIC_VERSION with go install into $FABRIC_HOME (a few minutes on a fresh machine)"
mkdir -p "$FABRIC_HOME/bin" "$FABRIC_HOME/builders/ccaas/bin" "$FABRIC_HOME/config"
ldflags="-X github.com/hyperledger/fabric/common/metadata.Version=$FABRIC_VERSION"
ldflags+=" -X github.com/hyperledger/fabric/common/metadata.CommitSHA=$FABRIC_COMMIT"
refused() {
    say "go install could not fetch Fabric $FABRIC_VERSION ($1) from the Go module proxy ($(go env GOPROXY))."
    say "Install the Fabric $FABRIC_VERSION binaries another way and set FABRIC_HOME to a directory with bin/{peer,"
    say "orderer,osnadmin,configtxgen,cryptogen}, builders/ccaas/bin/{detect,build,release} and config/{core,orderer}.yaml"
    exit 1
}
GOBIN="$FABRIC_HOME/bin" go install -trimpath -ldflags "$ldflags" \
    "github.com/hyperledger/fabric/cmd/peer@$FABRIC_MOD_VER" \
    "github.com/hyperledger/fabric/cmd/orderer@$FABRIC_MOD_VER" \
    "github.com/hyperledger/fabric/cmd/osnadmin@$FABRIC_MOD_VER" \
    "github.com/hyperledger/fabric/cmd/configtxgen@$FABRIC_MOD_VER" \
    "github.com/hyperledger/fabric/cmd/cryptogen@$FABRIC_MOD_VER" || refused "github.com/hyperledger/fabric@$FABRIC_MOD_VER"
# the builder is its own module; installed straight into its bin/ so detect/build/release never land on a PATH
GOBIN="$FABRIC_HOME/builders/ccaas/bin" go install -trimpath \
    "github.com/hyperledger/fabric/ccaas_builder/cmd/detect@$CCAAS_MOD_VER" \
    "github.com/hyperledger/fabric/ccaas_builder/cmd/build@$CCAAS_MOD_VER" \
    "github.com/hyperledger/fabric/ccaas_builder/cmd/release@$CCAAS_MOD_VER" \
    || refused "github.com/hyperledger/fabric/ccaas_builder@$CCAAS_MOD_VER"

# go install ships no configuration: the nodes read the module's own sampleconfig, pinned to the binaries
module_dir=$(go mod download -json "github.com/hyperledger/fabric@$FABRIC_MOD_VER" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
for file in core.yaml orderer.yaml; do
    cp "$module_dir/sampleconfig/$file" "$FABRIC_HOME/config/$file"
    chmod u+w "$FABRIC_HOME/config/$file"
done
installed || { say "the build finished but $FABRIC_HOME/bin/peer does not report $FABRIC_VERSION"; exit 1; }
say "installed in $(( $(date +%s) - started )) s"
