#!/usr/bin/env bash
# Installs Open Policy Agent v1.22.4 for the side-by-side benchmark (./countersign bench --compare opa) and the
# Rego/Drools equivalence test (bench OpaEquivalenceTest): `go install` through the Go module proxy into
# ~/.cache/countersign/opa-1.22.4/bin, with Go's module and build caches under ~/.cache/countersign/go so reruns are
# fast. Idempotent; prints the binary's path.
set -euo pipefail

OPA_VERSION=v1.22.4
cache="${XDG_CACHE_HOME:-$HOME/.cache}/countersign"
home="$cache/opa-${OPA_VERSION#v}"
opa="$home/bin/opa"

say() { printf 'opa: %s\n' "$*" >&2; }

if [ -x "$opa" ] && "$opa" version 2>/dev/null | grep -qx "Version: ${OPA_VERSION#v}"; then
    echo "$opa"
    exit 0
fi
if ! command -v go >/dev/null 2>&1; then
    say "Go is needed to build OPA ${OPA_VERSION} (Go 1.22 or later with access to a Go module proxy)"
    exit 1
fi
say "building OPA ${OPA_VERSION} with $(go version | cut -d' ' -f3) (a few minutes, once)"
mkdir -p "$home/bin" "$cache/go/mod" "$cache/go/build"
GOBIN="$home/bin" GOMODCACHE="${GOMODCACHE:-$cache/go/mod}" GOCACHE="${GOCACHE:-$cache/go/build}" GOFLAGS=-mod=mod \
    CGO_ENABLED=0 go install "github.com/open-policy-agent/opa@${OPA_VERSION}"
if ! "$opa" version | grep -qx "Version: ${OPA_VERSION#v}"; then
    say "the installed binary does not report version ${OPA_VERSION#v}"
    exit 1
fi
echo "$opa"
