#!/usr/bin/env bash
# Measures a fresh clone's `npm install`: wall time, node_modules size, and the heaviest packages.
# Usage: bench/install-size.sh [repo-or-path]   (default: this checkout). Needs the network.
set -euo pipefail
src="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
git clone -q "$src" "$dir/tailor"
cd "$dir/tailor"
start=$(date +%s)
ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund > "$dir/install.log" 2>&1
echo "npm install: $(( $(date +%s) - start )) s, node_modules $(du -sh node_modules | cut -f1)"
echo "npm warnings from the install:"; grep -i '^npm warn' "$dir/install.log" || echo "  (none)"
echo "heaviest packages:"
du -s node_modules/* node_modules/@*/* 2>/dev/null | sort -n | tail -15 | awk '{ printf "  %6.0f MB  %s\n", $1 / 1024, $2 }'
