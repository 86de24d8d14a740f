#!/usr/bin/env bash
# Installs the real MCP servers the MCP gateway test (McpGatewayIT) runs as upstreams, with Node's npm, into
# ~/.cache/countersign/mcp (COUNTERSIGN_MCP_HOME): exactly the versions in mcp-servers/package-lock.json (npm ci).
# Does nothing when that lock file is already installed there. Prints the installation directory.
set -euo pipefail

say() { printf 'install-mcp-servers: %s\n' "$*" >&2; }

here="$(cd "$(dirname "$0")" && pwd)"
lock="$here/mcp-servers/package-lock.json"
home="${COUNTERSIGN_MCP_HOME:-$HOME/.cache/countersign/mcp}"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    say "please install Node.js 18 or later with npm (the MCP gateway test runs real MCP servers with it)"
    exit 1
fi
if [ -f "$home/installed.sha256" ] && [ -d "$home/node_modules" ] \
        && [ "$(cat "$home/installed.sha256")" = "$(sha256sum "$lock" | cut -d' ' -f1)" ]; then
    echo "$home"
    exit 0
fi
say "installing the MCP servers of $lock into $home"
mkdir -p "$home"
rm -f "$home/installed.sha256"
cp "$here/mcp-servers/package.json" "$lock" "$home/"
(cd "$home" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
sha256sum "$lock" | cut -d' ' -f1 > "$home/installed.sha256"
echo "$home"
