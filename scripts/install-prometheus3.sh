#!/usr/bin/env bash
# Builds Prometheus 3 (prometheus and promtool) from its Go module into .tools/prometheus3,
# for the tests that need UTF-8 metric and label names, as CloudWatch's PromQL has them
# (OTLP names with dots, labels such as "@resource.service.name"): Debian's prometheus
# package is 2.x, which rejects them. Prometheus 3.x.y is the Go module version v0.3xx.y
# (3.16.0 is v0.316.0). Run by scripts/setup.sh.
#
# Idempotent: nothing is done when both binaries in .tools/prometheus3 report the pinned
# version. A build takes several minutes on 2 cores, so the binaries are also kept in a
# per-machine cache (~/.cache/amp-tools/prometheus-<version>, or .tools/cache where the home
# directory can't be written): a fresh clone on the same machine (CI) copies them from there.
# The Go module and build caches of a build live in a temporary folder removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

PROMETHEUS3_VERSION=3.16.0
MODULE=github.com/prometheus/prometheus
MODULE_VERSION=v0.316.0
# The go directive of that version's go.mod: the toolchain must be at least this.
GO_NEEDED=1.26.7

dest=.tools/prometheus3

has_version() {
  [ -x "$1/prometheus" ] && [ -x "$1/promtool" ] &&
    "$1/prometheus" --version 2>/dev/null | head -n 1 | grep -q "version $PROMETHEUS3_VERSION " &&
    "$1/promtool" --version 2>/dev/null | head -n 1 | grep -q "version $PROMETHEUS3_VERSION "
}

if has_version "$dest"; then
  echo "setup: Prometheus $PROMETHEUS3_VERSION already in $dest"
  exit 0
fi

cache_root="${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}"
if ! mkdir -p "$cache_root" 2>/dev/null || [ ! -w "$cache_root" ]; then
  cache_root="$PWD/.tools/cache"
  mkdir -p "$cache_root"
fi
cache="$cache_root/amp-tools/prometheus-$PROMETHEUS3_VERSION"

if ! has_version "$cache"; then
  if ! command -v go >/dev/null 2>&1; then
    echo "setup: building Prometheus $PROMETHEUS3_VERSION needs Go $GO_NEEDED or newer, and there is no go command" >&2
    exit 1
  fi
  go_version=$(GOTOOLCHAIN=local go env GOVERSION)
  go_version=${go_version#go}
  toolchain=local
  if [ "$(printf '%s\n%s\n' "$GO_NEEDED" "$go_version" | sort -V | head -n 1)" != "$GO_NEEDED" ]; then
    # An older Go fetches the toolchain the module needs from the Go module proxy (golang.org/toolchain).
    echo "setup: this machine has Go $go_version; Go $GO_NEEDED is fetched from the Go module proxy for the build"
    toolchain="go$GO_NEEDED"
  fi

  echo "setup: building Prometheus $PROMETHEUS3_VERSION ($MODULE@$MODULE_VERSION) with Go $go_version; this takes several minutes"
  # -tags remove_all_sd leaves out the service-discovery plugins (AWS, Azure, GCE, Kubernetes, ...)
  # and their SDKs, a large part of the build; static, file and http SD remain (plugins/minimum.go).
  # -modcacherw: the module cache in $work can be removed without chmod.
  work=$(mktemp -d "$cache_root/amp-tools-build.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  pkg=github.com/prometheus/common/version
  started=$(date +%s)
  env GOPATH="$work/gopath" GOMODCACHE="$work/mod" GOCACHE="$work/cache" GOBIN="$work/bin" \
    GOTOOLCHAIN="$toolchain" GOFLAGS="-modcacherw -buildvcs=false" GOWORK=off GO111MODULE=on \
    go install -trimpath -tags remove_all_sd -ldflags "-s -w \
      -X $pkg.Version=$PROMETHEUS3_VERSION \
      -X $pkg.Revision=$MODULE_VERSION \
      -X $pkg.Branch=$MODULE_VERSION \
      -X $pkg.BuildUser=scripts/install-prometheus3.sh \
      -X $pkg.BuildDate=$(date -u +%Y%m%d-%H:%M:%S)" \
      "$MODULE/cmd/prometheus@$MODULE_VERSION" "$MODULE/cmd/promtool@$MODULE_VERSION"
  echo "setup: built Prometheus $PROMETHEUS3_VERSION in $(($(date +%s) - started)) s"
  # Into place in one rename: another setup reading the cache never sees half a copy.
  mkdir -p "$work/out" "$(dirname "$cache")"
  cp "$work/bin/prometheus" "$work/bin/promtool" "$work/out/"
  rm -rf "$cache.old" && { [ ! -e "$cache" ] || mv "$cache" "$cache.old"; } && mv "$work/out" "$cache" && rm -rf "$cache.old"
  rm -rf "$work"
  trap - EXIT
  has_version "$cache" || { echo "setup: the Prometheus build in $cache does not report version $PROMETHEUS3_VERSION" >&2; exit 1; }
fi

echo "setup: installing Prometheus $PROMETHEUS3_VERSION into $dest (from $cache)"
rm -rf "$dest" && mkdir -p "$dest"
for bin in prometheus promtool; do
  ln "$cache/$bin" "$dest/$bin" 2>/dev/null || cp "$cache/$bin" "$dest/$bin"
done
has_version "$dest"
