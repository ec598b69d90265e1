#!/usr/bin/env bash
# Builds kube-apiserver from the pinned tools module tools/kube-apiserver into
# .cache/bin/kube-apiserver. Idempotent: it rebuilds only when the tools module changed
# or this script changed (a stamp holds their hash). Takes ~4 minutes on 2 idle cores.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mod="$top/tools/kube-apiserver"
bin="$top/.cache/bin/kube-apiserver"
stamp="$bin.stamp"
want=$(cat "$mod/go.mod" "$mod/go.sum" "$mod/main.go" "$0" | sha256sum | cut -d' ' -f1)

if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "kube-apiserver: up to date ($bin)"
  exit 0
fi
mkdir -p "$(dirname "$bin")"
echo "kube-apiserver: building from $mod (k8s.io/kubernetes, see go.mod); this takes minutes"
start=$(date +%s)
# Stamp the release version, as Kubernetes' own build does (it reports v0.0.0 otherwise).
version=$(cd "$mod" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
minor=${version#v1.}; minor=${minor%%.*}
pkg=k8s.io/component-base/version
(cd "$mod" && CGO_ENABLED=0 go build -trimpath \
  -ldflags="-s -w -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean" \
  -o "$bin.tmp" .)
mv "$bin.tmp" "$bin"
echo "$want" >"$stamp"
echo "kube-apiserver: built in $(( $(date +%s) - start ))s: $("$bin" --version)"
