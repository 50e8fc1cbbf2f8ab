#!/usr/bin/env bash
# Installs what the tests and the local demo need on a Debian/Ubuntu machine with Node.js 20+:
# Debian's prometheus package (prometheus and promtool), the npm packages, the AWS SAM CLI,
# cfn-lint and cfn-lint-serverless in a virtualenv (.venv), and the moto AWS emulator in
# another (.venv-moto: its server extra pins older cfn-lint and SAM translator versions).
# Idempotent: what is already installed is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

apt_packages=()
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || apt_packages+=(prometheus)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || apt_packages+=(python3-venv)
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "setup: installing ${apt_packages[*]} from Debian's packages"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_packages[@]}"
fi

echo "setup: installing npm packages"
npm ci --no-audit --no-fund

echo "setup: installing the SAM CLI, cfn-lint and cfn-lint-serverless into .venv"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt

echo "setup: installing the moto AWS emulator into .venv-moto"
[ -x .venv-moto/bin/python ] || python3 -m venv .venv-moto
.venv-moto/bin/pip install -q --disable-pip-version-check -r requirements-moto.txt
