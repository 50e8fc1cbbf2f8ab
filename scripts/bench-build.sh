#!/bin/sh
# Times `sam build` as a user meets it (samconfig.toml's settings: cached, parallel): a fresh
# build (no .aws-sam) and a rebuild after a one-line change to a source file (a comment
# appended to a handler, removed again at the end). Prints the seconds and the load average,
# which on a shared machine says how far to trust them. It removes .aws-sam first and
# leaves a build of the current code. Not part of `npm test`.
#
#   scripts/bench-build.sh
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
changed=src/handlers/query.ts
marker='// bench-build: a one-line change'

build() {
  start=$(date +%s.%N)
  out=$(scripts/with-tools.sh sam build 2>&1) || { echo "$out" >&2; exit 1; }
  awk "BEGIN { print $(date +%s.%N) - $start }"
}

rm -rf .aws-sam
fresh=$(build)
echo "$marker" >>"$changed"
# Only the line added: others may be editing the file meanwhile.
trap 'sed -i "\${\%^$marker\$%d}" "$changed"' EXIT
rebuild=$(build)
printf 'sam build: fresh %.1f s, rebuild after a one-line change %.1f s (%s cores, load average %s)\n' \
  "$fresh" "$rebuild" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
