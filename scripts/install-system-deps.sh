#!/usr/bin/env bash
# Debian packages the build and the test suites need. Idempotent; run as root (CI is).
set -euo pipefail
# chromium: the browser the webview and e2e suites drive; fonts-dejavu-core: text for it to draw.
# code-server (installed by test/e2e/install-code-server.sh) builds kerberos, node-pty and
# native-keymap (libkrb5-dev, libsecret-1-dev, libxkbfile-dev, libx11-dev, pkg-config) and
# takes Debian's ripgrep instead of downloading one.
# postgresql: the private clusters the team-scale tests start with initdb/pg_ctl (never the system service).
packages=(python3 make g++ git neovim chromium fonts-dejavu-core ripgrep pkg-config libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev postgresql)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
