#!/usr/bin/env bash
# Puts the API server that scripts/checks/70-deploy.sh validates the manifests against
# (kubectl apply --dry-run=server) at .cache/bin/kube-apiserver: the cluster's own
# kube-apiserver (scripts/cluster-build kubernetes, built from tools/kubernetes and cached by
# version), so the dry run and the real cluster of 90-cluster.sh run one build of one
# release. Idempotent; the first build of the cluster's programs takes 15+ minutes.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib/tool-bin.sh"
bin="$(tool_bin "$top")/kube-apiserver"
"$top/scripts/cluster-build" kubernetes
ln -sfn "$("$top/scripts/cluster-build" kubernetes-dir)/kube-apiserver" "$bin"
echo "kube-apiserver: $("$bin" --version) ($(readlink "$bin"))"
