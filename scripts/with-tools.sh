#!/bin/sh
# Runs a command with the project's own tools first on PATH: Node.js 24, the version
# Lambda runs (.node, provisioned by scripts/setup.sh where the machine's Node is older),
# and the SAM CLI and cfn-lint (.venv). Every npm script goes through it.
root=$(cd "$(dirname "$0")/.." && pwd)
PATH="$root/.node/bin:$root/.venv/bin:$PATH"
SAM_CLI_TELEMETRY=0
export PATH SAM_CLI_TELEMETRY
exec "$@"
