#!/usr/bin/env bash
# Installs code-server (VS Code 1.100 in the browser, from the npm registry) into a cache folder
# outside the repository, once. It is not a devDependency: its native modules (kerberos,
# node-pty) and a ~450 MB tree would make every `npm ci` slow and fragile for a suite that
# only the e2e tests need. Prints the folder holding node_modules/.bin/code-server.
# Needs the Debian packages from scripts/install-system-deps.sh (libkrb5-dev, ripgrep, ...).
set -euo pipefail
VERSION=4.100.3
CACHE=${ASSETLINE_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/assetline-e2e}
DEST="$CACHE/code-server-$VERSION"
if [ -f "$DEST/.installed" ] && [ -x "$DEST/node_modules/.bin/code-server" ]; then
  echo "$DEST"; exit 0
fi
command -v rg >/dev/null || { echo "ripgrep is missing: run scripts/install-system-deps.sh" >&2; exit 1; }
# @vscode/ripgrep downloads its binary from GitHub unless this cache already holds the tarball;
# Debian's rg stands in for it.
RGC=$(node -p "require('os').tmpdir()")/vscode-ripgrep-cache-1.15.11
mkdir -p "$RGC"
[ -f "$RGC/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ] ||
  tar czf "$RGC/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
rm -rf "$DEST" && mkdir -p "$DEST"
echo '{"name":"assetline-e2e-host","private":true}' > "$DEST/package.json"
# unsafe_perm: code-server's postinstall refuses root without it; yes: node-pty runs `npx node-gyp`.
# The npm log goes to stderr so that stdout stays the one line callers read.
(cd "$DEST" && npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --no-save \
  "code-server@$VERSION" >&2)
XDG_CONFIG_HOME="$DEST/.xdg" "$DEST/node_modules/.bin/code-server" --version >&2
touch "$DEST/.installed"
echo "$DEST"
