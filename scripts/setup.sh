#!/usr/bin/env bash
# Installs what the tests and the local demo need on a Debian/Ubuntu machine with Node.js 20+:
# Debian's prometheus package (prometheus and promtool) and the npm packages.
# Idempotent: what is already installed is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

apt_packages=()
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || apt_packages+=(prometheus)
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "setup: installing ${apt_packages[*]} from Debian's packages"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_packages[@]}"
fi

echo "setup: installing npm packages"
npm ci --no-audit --no-fund
