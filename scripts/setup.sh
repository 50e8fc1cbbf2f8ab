#!/usr/bin/env bash
# Installs what the tests and the local demo need on a Debian/Ubuntu machine with Node.js 20+:
# Node.js 24 (the version the functions run on Lambda, nodejs24.x) in .node when the
# machine's Node is older, from the npm registry's official build package (node-linux-<arch>);
# Debian's prometheus package (prometheus and promtool), the npm packages, the AWS SAM CLI,
# cfn-lint and cfn-lint-serverless in a virtualenv (.venv), the moto AWS emulator in
# another (.venv-moto: its server extra pins older cfn-lint and SAM translator versions), and
# Prometheus 3 (prometheus and promtool, for UTF-8 metric and label names) built with Go
# (Debian's golang-go where there is none) into .tools/prometheus3 (scripts/install-prometheus3.sh).
# Idempotent: what is already installed is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

apt_packages=()
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || apt_packages+=(prometheus)
# The tests' Alertmanager (behind the AMP-like front, and ALERTMANAGER_URL), and npm run demo's.
command -v prometheus-alertmanager >/dev/null 2>&1 || apt_packages+=(prometheus-alertmanager)
# The browser the MCP App's view is tested in (headless, driven by puppeteer-core).
command -v chromium >/dev/null 2>&1 || apt_packages+=(chromium)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || apt_packages+=(python3-venv)
# sam build runs the Makefile (template.yaml: BuildMethod: makefile).
command -v make >/dev/null 2>&1 || apt_packages+=(make)
# Prometheus 3 is built from its Go module (scripts/install-prometheus3.sh): Debian's Go is older
# than the module needs, and fetches the right toolchain from the Go module proxy for the build.
command -v go >/dev/null 2>&1 || apt_packages+=(golang-go ca-certificates)
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "setup: installing ${apt_packages[*]} from Debian's packages"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_packages[@]}"
fi

NODE_MAJOR=24
major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(major node)" -lt "$NODE_MAJOR" ] && [ "$(major .node/bin/node)" != "$NODE_MAJOR" ]; then
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "setup: no Node.js $NODE_MAJOR build for $(uname -m); install Node.js $NODE_MAJOR yourself" >&2; exit 1 ;;
  esac
  echo "setup: installing Node.js $NODE_MAJOR into .node (the machine has $(node --version 2>/dev/null || echo none))"
  download=$(mktemp -d)
  (cd "$download" && npm pack --silent "node-linux-$arch@$NODE_MAJOR" >/dev/null)
  rm -rf .node && mkdir .node
  tar xzf "$download"/node-linux-"$arch"-*.tgz -C .node --strip-components=1
  rm -rf "$download"
fi
# Everything below, and every npm script (scripts/with-tools.sh), runs on that Node.
PATH="$PWD/.node/bin:$PATH"
echo "setup: using Node.js $(node --version)"

echo "setup: installing npm packages"
npm ci --no-audit --no-fund

echo "setup: installing the SAM CLI, cfn-lint and cfn-lint-serverless into .venv"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt

echo "setup: installing the moto AWS emulator into .venv-moto"
[ -x .venv-moto/bin/python ] || python3 -m venv .venv-moto
.venv-moto/bin/pip install -q --disable-pip-version-check -r requirements-moto.txt

echo "setup: installing PyPI's prometheus-mcp-server (a peer in the benchmark's agent tasks) into .venv-peer"
[ -x .venv-peer/bin/python ] || python3 -m venv .venv-peer
.venv-peer/bin/pip install -q --disable-pip-version-check -r requirements-peer.txt

# Debian's prometheus is 2.x; CloudWatch's PromQL has UTF-8 names ("http.server.active_requests",
# "@resource.service.name"), which need Prometheus 3: built from its Go module, cached per machine.
bash scripts/install-prometheus3.sh
