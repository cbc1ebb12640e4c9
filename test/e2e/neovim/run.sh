#!/usr/bin/env bash
# Neovim (Debian's 0.7, installed when missing) as a real LSP client of dist/server.js, headless.
# Ends with "N passed, N failed" (from e2e.lua).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
if ! command -v nvim >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends neovim >/dev/null
fi
[ -f "$REPO/dist/server.js" ] || { echo "dist/server.js is missing: run npm run build first"; echo "0 passed, 1 failed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$REPO/test/e2e/workspace" "$tmp/workspace"
# Fresh config/data/state folders: nothing from the user's Neovim setup, nothing written to $HOME.
status=0
XDG_CONFIG_HOME=$tmp/xdg XDG_DATA_HOME=$tmp/xdg XDG_STATE_HOME=$tmp/xdg \
  EVOLVE_SERVER="$REPO/dist/server.js" EVOLVE_WORKSPACE="$tmp/workspace" timeout 180 \
  nvim --headless --clean -n -i NONE -c "luafile $HERE/e2e.lua" "$tmp/workspace/migrations/20240101000000_trim_user_names.js" || status=$?
if [ $status -ne 0 ] && [ $status -ne 1 ]; then echo "nvim exited with status $status"; echo "0 passed, 1 failed"; fi
exit $status
