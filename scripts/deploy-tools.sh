#!/usr/bin/env bash
# Installs the tools that validate deploy/ into .cache/bin (idempotent; pinned versions):
# helm, kube-score, promtool (unit tests of the alerts), promql-check (tools/promql-check:
# Prometheus' PromQL parser) and
# kube-apiserver (the cluster's, scripts/cluster-build). etcd comes from Debian's etcd-server
# package; kubectl (with kustomize) must already be on the machine.
#   scripts/deploy-tools.sh [etcd] [helm] [kube-score] [promtool] [promql-check] [kube-apiserver]
# (default: all)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib/tool-bin.sh"
bin=$(tool_bin "$top")

HELM_MODULE=helm.sh/helm/v3/cmd/helm@v3.19.0
KUBE_SCORE_MODULE=github.com/zegl/kube-score/cmd/kube-score@v1.20.0

go_install() { # name module@version
  local name=$1 mod=$2 stamp="$bin/$1.version"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$mod" ]; then
    echo "$name: up to date ($mod)"
    return
  fi
  echo "$name: go install $mod"
  GOBIN="$bin" CGO_ENABLED=0 go install "$mod"
  echo "$mod" >"$stamp"
}

# tool_build NAME: builds tools/NAME (its own module) into .cache/bin when it changed.
tool_build() {
  local name=$1 dir="$top/tools/$1" stamp="$bin/$1.stamp" want
  want=$(cat "$dir/go.mod" "$dir/go.sum" "$dir"/*.go | sha256sum | cut -d' ' -f1)
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "$name: up to date (tools/$name)"
    return
  fi
  echo "$name: go build tools/$name"
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath -o "$bin/$name" .)
  echo "$want" >"$stamp"
}

want=("$@")
[ ${#want[@]} -gt 0 ] || want=(etcd helm kube-score promql-check kube-apiserver)
for t in "${want[@]}"; do
  case $t in
    helm) go_install helm "$HELM_MODULE" ;;
    kube-score) go_install kube-score "$KUBE_SCORE_MODULE" ;;
    promtool)
      # From the test cluster's Prometheus build (scripts/cluster-build): the release whose
      # parser tools/promql-check pins, built with remove_all_sd, Prometheus' own tag that
      # leaves out the service-discovery plugins (their cloud SDKs were 60 % of the source
      # it compiled). One `go install` makes the server and promtool, cached by version.
      "$top/scripts/cluster-build" prometheus
      ln -sfn "$("$top/scripts/cluster-build" prometheus-dir)/promtool" "$bin/promtool"
      echo "promtool: $("$bin/promtool" --version | head -n1)"
      ;;
    promql-check) tool_build promql-check ;;
    kube-apiserver) "$top/scripts/kube-apiserver-build.sh" ;;
    etcd)
      if command -v etcd >/dev/null; then
        echo "etcd: $(etcd --version | head -n1)"
      else
        echo "etcd: apt-get install etcd-server"
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq etcd-server >/dev/null
        # Where the package starts a system etcd (port 2379), ours still runs apart: own
        # ports and data directory (scripts/kube-apiserver.sh).
      fi
      ;;
    *) echo "unknown tool: $t" >&2; exit 2 ;;
  esac
done
