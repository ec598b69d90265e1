#!/usr/bin/env bash
# Validates deploy/:
#  1. renders every variant: the Kustomize overlays dev and prod, and the Helm chart with
#     default, dev, prod and external-database values (scripts/deploy-render.sh);
#  2. helm lint --strict with each values file; kube-score on every rendering, the
#     ignored checks each explained in deploy/validation/kube-score-ignores.txt; the
#     alerts' and the dashboard's PromQL through Prometheus' parser (tools/promql-check);
#  3. the Go test over the rendered objects (test/deploy) with CI=1, so it cannot skip;
#  4. starts etcd and a kube-apiserver built from k8s.io/kubernetes on 127.0.0.1, installs
#     the CRD stand-ins and the Kyverno policies as ValidatingAdmissionPolicies, shows that
#     each policy refuses a Deployment breaking it, and applies every rendering with
#     `kubectl apply --dry-run=server` into a namespace that enforces Pod Security
#     "restricted" (then the Argo CD Application and the ClusterPolicies themselves):
#     any error or any "Warning:" line fails.
# Installs what it needs (etcd-server via apt; helm, kube-score, promql-check and
# kube-apiserver into .cache/bin); the kube-apiserver build (minutes) runs in the
# background from the start.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

work=$(mktemp -d "${TMPDIR:-/tmp}/carpool-deploy-check.XXXXXX")
build_pid=""
cleanup() {
  if [ -n "$build_pid" ] && kill -0 "$build_pid" 2>/dev/null; then
    kill "$build_pid" 2>/dev/null || true
    wait "$build_pid" 2>/dev/null || true
  fi
  scripts/kube-apiserver.sh stop "$work/apiserver" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { echo "-- $*"; }

step "building kube-apiserver in the background (log: $work/build.log)"
scripts/deploy-tools.sh kube-apiserver >"$work/build.log" 2>&1 &
build_pid=$!

step "tools"
scripts/deploy-tools.sh etcd helm kube-score promql-check
helm=.cache/bin/helm
kube_score=.cache/bin/kube-score
kubectl version --client 2>/dev/null | head -n 2 | sed 's/^/   /'

step "render"
rendered="$work/rendered"
scripts/deploy-render.sh "$rendered"
variants=(kustomize-dev kustomize-prod helm-default helm-dev helm-prod helm-external-db helm-cloudnative-pg)

step "helm lint --strict"
$helm lint --strict --kube-version 1.32.0 deploy/helm/carpool
$helm lint --strict --kube-version 1.32.0 deploy/helm/carpool -f deploy/helm/values-dev.yaml
$helm lint --strict --kube-version 1.32.0 deploy/helm/carpool -f deploy/helm/values-prod.yaml
$helm lint --strict --kube-version 1.32.0 deploy/helm/carpool -f deploy/helm/values-external-db.yaml
$helm lint --strict --kube-version 1.32.0 deploy/helm/carpool -f deploy/helm/values-cloudnative-pg.yaml

step "kube-score (ignored checks: deploy/validation/kube-score-ignores.txt)"
ignores=deploy/validation/kube-score-ignores.txt
for v in "${variants[@]}"; do
  args=(--kubernetes-version v1.32 --output-format ci --exit-one-on-warning)
  while read -r check scope _; do
    case $check in ''|'#'*) continue ;; esac
    case $scope in
      all) args+=(--ignore-test "$check") ;;
      flag) args+=("$check") ;;
      object) ;;
      *) if [[ ",$scope," == *",$v,"* ]]; then args+=(--ignore-test "$check"); fi ;;
    esac
  done <"$ignores"
  if ! out=$($kube_score score "${args[@]}" "$rendered/$v.yaml" 2>&1); then
    echo "$out" | grep -vE '^\[(OK|SKIPPED)\]' >&2
    echo "kube-score: $v has findings; fix them or explain the exception in $ignores" >&2
    exit 1
  fi
  echo "   $v: $(echo "$out" | grep -c '^\[OK\]') checks OK, $(echo "$out" | grep -c '^\[SKIPPED\]') skipped"
done

step "PromQL of the alerts and the dashboard, parsed by Prometheus' parser"
files=()
for v in "${variants[@]}"; do files+=("$rendered/$v.yaml"); done
.cache/bin/promql-check "${files[@]}" | sed 's/^/   /'

step "Go test over the rendered objects (CI=1: it may not skip)"
CI=1 CGO_ENABLED=0 go test -trimpath -count=1 ./test/deploy/...

step "waiting for the kube-apiserver build"
if ! wait "$build_pid"; then
  build_pid=""
  cat "$work/build.log" >&2
  echo "kube-apiserver build failed" >&2
  exit 1
fi
build_pid=""
sed 's/^/   /' "$work/build.log"

step "starting etcd and kube-apiserver"
scripts/kube-apiserver.sh start "$work/apiserver"
export KUBECONFIG="$work/apiserver/kubeconfig"

step "CRD stand-ins (ServiceMonitor, PrometheusRule, Certificate, Application, ClusterPolicy, CloudNativePG Cluster)"
kubectl apply -f deploy/validation/crds/
kubectl wait --for condition=established --timeout=60s \
  crd/servicemonitors.monitoring.coreos.com crd/prometheusrules.monitoring.coreos.com crd/certificates.cert-manager.io \
  crd/applications.argoproj.io crd/clusterpolicies.kyverno.io crd/clusters.postgresql.cnpg.io

step "namespace carpool, enforcing Pod Security restricted"
# Labelled like deploy/kustomize/base/namespace.yaml; created with apply so that the dry
# runs of that Namespace compare against an applied object. The default ServiceAccount
# is what the controller manager (not running here) would create.
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: carpool
  labels:
    app.kubernetes.io/part-of: carpool
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
    pod-security.kubernetes.io/warn: restricted
    pod-security.kubernetes.io/warn-version: latest
    pod-security.kubernetes.io/audit: restricted
    pod-security.kubernetes.io/audit-version: latest
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: default
  namespace: carpool
YAML

step "policies: deploy/policies as ValidatingAdmissionPolicies"
CGO_ENABLED=0 go run -trimpath ./test/deploy/kyvernovap deploy/policies >"$work/policies.yaml"
kubectl apply -f "$work/policies.yaml"
# Each policy must refuse a Deployment that breaks only its rule, and a Deployment that
# keeps every rule must pass. The API server picks new policies up within seconds: poll.
probe() { # image runAsNonRoot runAsUser with-probes with-resources
  cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: policy-probe, namespace: carpool}
spec:
  selector: {matchLabels: {app: policy-probe}}
  template:
    metadata: {labels: {app: policy-probe}}
    spec:
      securityContext: {runAsNonRoot: $2, runAsUser: $3, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: web
          image: $1
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
YAML
  if [ "$4" = yes ]; then
    echo "          livenessProbe: {tcpSocket: {port: 8080}}"
    echo "          readinessProbe: {httpGet: {path: /, port: 8080}}"
  fi
  if [ "$5" = yes ]; then
    echo "          resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 32Mi}}"
  fi
}
declare -A breaks=(
  [carpool-disallow-latest-tag]="nginx:latest true 101 yes yes"
  [carpool-require-non-root]="nginx:1.27 false 0 yes yes"
  [carpool-require-probes]="nginx:1.27 true 101 no yes"
  [carpool-require-resources]="nginx:1.27 true 101 yes no"
)
deadline=$(( $(date +%s) + 60 ))
while :; do
  pending=()
  for policy in "${!breaks[@]}"; do
    # shellcheck disable=SC2086
    out=$(probe ${breaks[$policy]} | kubectl apply --dry-run=server -f - 2>&1 || true)
    echo "$out" | grep -q "ValidatingAdmissionPolicy '$policy\." || pending+=("$policy")
  done
  good=$(probe nginx:1.27 true 101 yes yes | kubectl apply --dry-run=server -f - 2>&1) || pending+=("compliant Deployment refused: $good")
  [ ${#pending[@]} -eq 0 ] && break
  if [ "$(date +%s)" -ge "$deadline" ]; then
    printf 'policies not in force after 60s: %s\n' "${pending[@]}" >&2
    exit 1
  fi
  sleep 1
done
echo "   each policy refuses the Deployment that breaks it; a compliant one passes"

step "kubectl apply --dry-run=server"
failed=0
for v in "${variants[@]}"; do
  log="$work/dry-run-$v.log"
  if kubectl apply --dry-run=server -n carpool -f "$rendered/$v.yaml" >"$log" 2>&1; then rc=0; else rc=$?; fi
  warnings=$(grep -ci 'warning' "$log" || true)
  if [ "$rc" -ne 0 ] || [ "$warnings" -ne 0 ]; then
    echo "   $v: FAILED (exit $rc, $warnings warning lines)" >&2
    sed 's/^/     /' "$log" >&2
    failed=1
  else
    echo "   $v: $(grep -c 'server dry run' "$log") objects accepted, no warnings"
  fi
done
for f in deploy/argocd/application.yaml deploy/policies/*.yaml; do
  [ "$f" = deploy/argocd/application.yaml ] && kubectl create namespace argocd --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  log="$work/dry-run-$(basename "$f").log"
  if kubectl apply --dry-run=server -f "$f" >"$log" 2>&1; then rc=0; else rc=$?; fi
  if [ "$rc" -ne 0 ] || grep -qi 'warning' "$log"; then
    echo "   $f: FAILED (exit $rc)" >&2
    sed 's/^/     /' "$log" >&2
    failed=1
  else
    echo "   $f: accepted, no warnings"
  fi
done
[ "$failed" -eq 0 ] || exit 1
echo "-- deploy/ validated"
