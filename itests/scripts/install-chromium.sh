#!/usr/bin/env bash
# Installs the browser of the real-browser tests (BrowserReviewIT): Debian's chromium and its chromedriver. Does nothing
# when both are there. Selenium drives them as installed; it downloads no browser or driver of its own.
set -euo pipefail

say() { printf 'install-chromium: %s\n' "$*" >&2; }

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
