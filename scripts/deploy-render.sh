#!/usr/bin/env bash
# Renders every variant of deploy/ into OUTDIR, one multi-document YAML file each:
#   kustomize-dev.yaml   kustomize-prod.yaml          (kubectl kustomize, the overlays)
#   helm-default.yaml    helm-dev.yaml  helm-prod.yaml  helm-external-db.yaml
#                        helm-cloudnative-pg.yaml
#                        (helm template, release carpool, the values files in deploy/helm)
# Used by scripts/checks/70-deploy.sh and by the Go test in test/deploy, so both see the
# same objects. Installs helm into .cache/bin when missing.
#   scripts/deploy-render.sh OUTDIR
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: deploy-render.sh OUTDIR}
mkdir -p "$out"
"$top/scripts/deploy-tools.sh" helm >/dev/null
helm="$top/.cache/bin/helm"
command -v kubectl >/dev/null || { echo "deploy-render: kubectl (with kustomize) is not installed" >&2; exit 1; }

for overlay in dev prod; do
  kubectl kustomize "$top/deploy/kustomize/overlays/$overlay" >"$out/kustomize-$overlay.yaml"
done
chart="$top/deploy/helm/carpool"
render_helm() { # name [values file]
  local name=$1; shift
  # The chart needs Kubernetes 1.30+; offline rendering otherwise assumes 1.20.
  "$helm" template carpool "$chart" --namespace carpool --kube-version 1.32.0 "$@" >"$out/helm-$name.yaml"
}
render_helm default
render_helm dev -f "$top/deploy/helm/values-dev.yaml"
render_helm prod -f "$top/deploy/helm/values-prod.yaml"
render_helm external-db -f "$top/deploy/helm/values-external-db.yaml"
render_helm cloudnative-pg -f "$top/deploy/helm/values-cloudnative-pg.yaml"
echo "deploy-render: $(ls "$out" | tr '\n' ' ')in $out"
