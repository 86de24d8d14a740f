#!/usr/bin/env bash
# Installs Hyperledger Fabric 3.1.5 (peer, orderer, osnadmin, configtxgen, cryptogen, the ccaas builder and the
# nodes' sample configuration) into FABRIC_HOME. Idempotent. It tries, in this order, and says why it moves on:
#   1. what is installed already in FABRIC_HOME (default ~/.cache/countersign/fabric);
#   2. the release archive named by COUNTERSIGN_FABRIC_ARCHIVE (a path or a URL; .tar.gz or .tar.xz, laid out as
#      Fabric's own release archives: bin/, builders/ccaas/bin/, config/);
#   3. Fabric's official release archive for this platform, downloaded from GitHub when the machine can reach it;
#   4. `go install` of the v3.1.5 commit through the Go module proxy.
# An archive is unpacked only when its SHA-256 is one of those pinned in fabric-archives.sha256 (beside this script),
# or the one given by COUNTERSIGN_FABRIC_SHA256 for an archive of your own. Downloads and Go's caches live under
# ~/.cache/countersign.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/countersign"
FABRIC_HOME="${FABRIC_HOME:-$cache/fabric}"
FABRIC_VERSION=3.1.5
# v3.1.5 is commit 86c1172bec37; its go.mod says `module github.com/hyperledger/fabric` (no /v3), so the v3 tags are
# not valid module versions and the pseudo-version of that commit is what `go install` accepts.
FABRIC_COMMIT=86c1172bec37
FABRIC_MOD_VER=v1.4.0-rc1.0.20260618074816-$FABRIC_COMMIT
CCAAS_MOD_VER=v0.0.0-20260618074816-$FABRIC_COMMIT
PINNED_SUMS="$here/fabric-archives.sha256"

say() { printf 'fabric: %s\n' "$*" >&2; }

missing_parts() {
    local home=$1 part missing=()
    for part in bin/peer bin/orderer bin/osnadmin bin/configtxgen bin/cryptogen builders/ccaas/bin/detect \
        builders/ccaas/bin/build builders/ccaas/bin/release; do
        [ -x "$home/$part" ] || missing+=("$part")
    done
    for part in config/core.yaml config/orderer.yaml; do
        [ -f "$home/$part" ] || missing+=("$part")
    done
    echo "${missing[*]}"
}

# Empty when $1 holds a complete Fabric $FABRIC_VERSION, otherwise why not.
why_not_installed() {
    local home=$1 missing version
    [ -d "$home" ] || { echo "nothing there"; return; }
    missing=$(missing_parts "$home")
    if [ -n "$missing" ]; then
        echo "missing $missing"
        return
    fi
    version=$("$home/bin/peer" version 2>/dev/null | sed -n 's/^ *Version: v\{0,1\}//p' | head -1)
    [ "$version" = "$FABRIC_VERSION" ] || echo "its peer reports version '${version:-none}', not $FABRIC_VERSION"
}

tried=()
moved_on() {
    tried+=("$1: $2")
    say "$1: $2"
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

pinned() {
    local sum=$1
    [ -n "${COUNTERSIGN_FABRIC_SHA256:-}" ] && [ "$sum" = "$COUNTERSIGN_FABRIC_SHA256" ] && return 0
    grep -v '^#' "$PINNED_SUMS" | cut -d' ' -f1 | grep -qxF "$sum"
}

# Fetches a URL into the download cache (kept: a rerun does not download again); prints the file's path.
download() {
    local url=$1 file
    file="$cache/downloads/$(basename "${url%%\?*}")"
    mkdir -p "$cache/downloads"
    if [ ! -s "$file" ]; then
        curl -fsSL --connect-timeout 10 --max-time 600 -o "$file.part" "$url" || { rm -f "$file.part"; return 1; }
        mv "$file.part" "$file"
    fi
    echo "$file"
}

# Checks an archive's sum against the pinned ones, then unpacks it into a fresh directory beside FABRIC_HOME and
# moves that into place, so that a failure half-way never leaves a half-installed FABRIC_HOME behind.
install_archive() {
    local label=$1 archive=$2 sum staging reason
    sum=$(sha256_of "$archive")
    if ! pinned "$sum"; then
        moved_on "$label" "$archive has SHA-256 $sum, pinned neither in $PINNED_SUMS nor as COUNTERSIGN_FABRIC_SHA256; not unpacked"
        return 1
    fi
    say "$label: $archive, SHA-256 $sum (pinned): unpacking into $FABRIC_HOME"
    mkdir -p "$(dirname "$FABRIC_HOME")"
    staging=$(mktemp -d "$FABRIC_HOME.unpack.XXXXXX")
    case "$archive" in
        *.tar.xz|*.txz) tar -xJf "$archive" -C "$staging" ;;
        *) tar -xzf "$archive" -C "$staging" ;;
    esac || { rm -rf "$staging"; moved_on "$label" "$archive could not be unpacked"; return 1; }
    reason=$(why_not_installed "$staging")
    if [ -n "$reason" ]; then
        rm -rf "$staging"
        moved_on "$label" "$archive is not a Fabric $FABRIC_VERSION release archive ($reason)"
        return 1
    fi
    rm -rf "$FABRIC_HOME"
    mv "$staging" "$FABRIC_HOME"
    say "installed Fabric $FABRIC_VERSION from $archive"
}

from_given_archive() {
    local label="COUNTERSIGN_FABRIC_ARCHIVE" given=${COUNTERSIGN_FABRIC_ARCHIVE:-} archive
    if [ -z "$given" ]; then
        moved_on "$label" "not set"
        return 1
    fi
    case "$given" in
        http://*|https://*|file://*)
            archive=$(download "$given") || { moved_on "$label" "could not download $given"; return 1; } ;;
        *)
            [ -f "$given" ] || { moved_on "$label" "$given is not a file"; return 1; }
            archive=$given ;;
    esac
    install_archive "$label" "$archive"
}

from_official_release() {
    local label="official release" os arch url archive
    os=$(uname -s | tr '[:upper:]' '[:lower:]')
    case "$(uname -m)" in
        x86_64|amd64) arch=amd64 ;;
        aarch64|arm64) arch=arm64 ;;
        *) moved_on "$label" "no Fabric release for $(uname -m)"; return 1 ;;
    esac
    url="${COUNTERSIGN_FABRIC_RELEASE_URL:-https://github.com/hyperledger/fabric/releases/download/v$FABRIC_VERSION/hyperledger-fabric-$os-$arch-$FABRIC_VERSION.tar.gz}"
    archive=$(download "$url") || { moved_on "$label" "could not download $url"; return 1; }
    install_archive "$label" "$archive"
}

from_go_install() {
    local label="go install" ldflags module_dir file
    command -v go >/dev/null 2>&1 || { moved_on "$label" "no Go on the PATH (Go 1.26.4 or later builds Fabric)"; return 1; }
    export GOMODCACHE="${GOMODCACHE:-$cache/go/mod}" GOCACHE="${GOCACHE:-$cache/go/build}" GOFLAGS=-mod=mod \
        CGO_ENABLED=0 GOTOOLCHAIN=local
    say "$label: building Fabric $FABRIC_VERSION from the Go module proxy ($(go env GOPROXY)) into $FABRIC_HOME"
    mkdir -p "$FABRIC_HOME/bin" "$FABRIC_HOME/builders/ccaas/bin" "$FABRIC_HOME/config"
    ldflags="-X github.com/hyperledger/fabric/common/metadata.Version=$FABRIC_VERSION"
    ldflags+=" -X github.com/hyperledger/fabric/common/metadata.CommitSHA=$FABRIC_COMMIT"
    if ! GOBIN="$FABRIC_HOME/bin" go install -trimpath -ldflags "$ldflags" \
        "github.com/hyperledger/fabric/cmd/peer@$FABRIC_MOD_VER" \
        "github.com/hyperledger/fabric/cmd/orderer@$FABRIC_MOD_VER" \
        "github.com/hyperledger/fabric/cmd/osnadmin@$FABRIC_MOD_VER" \
        "github.com/hyperledger/fabric/cmd/configtxgen@$FABRIC_MOD_VER" \
        "github.com/hyperledger/fabric/cmd/cryptogen@$FABRIC_MOD_VER"; then
        moved_on "$label" "the proxy did not serve github.com/hyperledger/fabric@$FABRIC_MOD_VER"
        return 1
    fi
    # the builder is its own module; installed straight into its bin/ so detect/build/release never land on a PATH
    if ! GOBIN="$FABRIC_HOME/builders/ccaas/bin" go install -trimpath \
        "github.com/hyperledger/fabric/ccaas_builder/cmd/detect@$CCAAS_MOD_VER" \
        "github.com/hyperledger/fabric/ccaas_builder/cmd/build@$CCAAS_MOD_VER" \
        "github.com/hyperledger/fabric/ccaas_builder/cmd/release@$CCAAS_MOD_VER"; then
        moved_on "$label" "the proxy did not serve github.com/hyperledger/fabric/ccaas_builder@$CCAAS_MOD_VER"
        return 1
    fi
    # go install ships no configuration: the nodes read the module's own sampleconfig, pinned to the binaries
    module_dir=$(go mod download -json "github.com/hyperledger/fabric@$FABRIC_MOD_VER" \
        | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    for file in core.yaml orderer.yaml configtx.yaml; do
        cp "$module_dir/sampleconfig/$file" "$FABRIC_HOME/config/$file"
        chmod u+w "$FABRIC_HOME/config/$file"
    done
    say "installed Fabric $FABRIC_VERSION with go install"
}

reason=$(why_not_installed "$FABRIC_HOME")
if [ -z "$reason" ]; then
    exit 0
fi
moved_on "installed" "$FABRIC_HOME: $reason"

started=$SECONDS
if from_given_archive || from_official_release || from_go_install; then
    reason=$(why_not_installed "$FABRIC_HOME")
    if [ -z "$reason" ]; then
        say "Fabric $FABRIC_VERSION is in $FABRIC_HOME ($((SECONDS - started)) s)"
        exit 0
    fi
    moved_on "check" "after installing, $FABRIC_HOME: $reason"
fi

say "could not install Hyperledger Fabric $FABRIC_VERSION. Tried:"
for line in "${tried[@]}"; do
    say "  - $line"
done
say "Provide it in one of these ways:"
say "  - FABRIC_HOME=DIR, a directory with bin/{peer,orderer,osnadmin,configtxgen,cryptogen},"
say "    builders/ccaas/bin/{detect,build,release} and config/{core,orderer}.yaml of Fabric $FABRIC_VERSION;"
say "  - COUNTERSIGN_FABRIC_ARCHIVE=PATH-or-URL of a Fabric $FABRIC_VERSION release archive (.tar.gz or .tar.xz)"
say "    whose SHA-256 is pinned in $PINNED_SUMS, or given as COUNTERSIGN_FABRIC_SHA256;"
say "  - network access to github.com/hyperledger/fabric/releases (the official archive, if its sum is pinned);"
say "  - a Go module proxy that serves github.com/hyperledger/fabric@$FABRIC_MOD_VER (go install)."
exit 1
