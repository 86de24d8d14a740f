#!/usr/bin/env bash
# Installs what the real-browser tests (BrowserReviewIT, ConsoleIT) need: Debian's chromium and its chromedriver, and
# axe-core. Does nothing when they are there. Selenium drives the browser as installed; it downloads nothing itself.
set -euo pipefail

say() { printf 'install-chromium: %s\n' "$*" >&2; }

# axe-core, the accessibility checker the browser tests run in each page (Accessibility.java), from the npm registry,
# pinned by its SHA-256; cached under ~/.cache/countersign
AXE_VERSION=4.10.3
AXE_SHA256=0f2b4d7dcdf7d1219df8d1959ad68e565f51d14c3f0d88bb71cd59abeb956292
axe_dir="${XDG_CACHE_HOME:-$HOME/.cache}/countersign/axe-core-$AXE_VERSION"
if [ ! -f "$axe_dir/axe.min.js" ]; then
    command -v npm >/dev/null 2>&1 || { say "please install npm (the accessibility checks need axe-core from it)"; exit 1; }
    say "fetching axe-core $AXE_VERSION"
    work=$(mktemp -d)
    (cd "$work" && npm pack "axe-core@$AXE_VERSION" --silent >/dev/null)
    echo "$AXE_SHA256  $work/axe-core-$AXE_VERSION.tgz" | sha256sum -c --quiet -
    mkdir -p "$work/unpacked" && tar -xzf "$work/axe-core-$AXE_VERSION.tgz" -C "$work/unpacked"
    mkdir -p "$axe_dir.partial"
    cp "$work/unpacked/package/axe.min.js" "$work/unpacked/package/LICENSE" "$axe_dir.partial/"
    rm -rf "$axe_dir" && mv "$axe_dir.partial" "$axe_dir"
    rm -rf "$work"
fi

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "please install chromium and chromium-driver (the browser tests need them)"
    exit 1
fi
say "installing chromium and chromium-driver"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
