#!/usr/bin/env bash
# The whole course on a real single-node Kubernetes (scripts/cluster), end to end, each step
# timed; a failed step prints the pods, events and logs, and the cluster is torn down in any
# case with the host's sysctls compared before and after:
#   cluster up (Traefik as the Ingress controller, metrics-server) -> carpool and PostgreSQL
#   images pushed to the authenticated registry -> helm install with the pull secret ->
#   migration Job complete, PVC bound, pods Ready -> through Traefik at carpool.local: sign
#   up, reserve, offer, book, contact shown -> helm upgrade to a new tag under booking load,
#   zero failed requests -> a pod deleted under load, zero failed -> NetworkPolicy: a
#   foreign pod cannot reach PostgreSQL, a server-labelled one can -> the chart's HPA scales
#   2 -> 3 under load and back to 2 on metrics-server's figures -> Prometheus scrapes the
#   pods and evaluates the chart's alert rules: the database stopped fires CarpoolNotReady,
#   started again resolves it -> the backup CronJob run as a Job lands in S3 (versitygw) ->
#   restore into a fresh install, same data through the API -> helm rollback -> a pull
#   without the secret fails with 401 -> kubectl apply -k of the prod overlay into another
#   namespace: migration, PostgreSQL and three replicas Ready -> PostgreSQL by CloudNativePG
#   (a primary and a standby): the primary's pod deleted under booking load, none of the
#   bookings lost or overbooked (scripts/checks/lib/cloudnative-pg-failover.sh).
# Needs root. Locally it skips when it cannot run (not root); with CI=1 that fails.
# CARPOOL_CLUSTER_KEEP=1 leaves the cluster running afterwards for a look around.
# `90-cluster.sh build` only builds what the check runs, into the caches, and starts
# nothing: scripts/test runs it first, beside the Go packages' compiling.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

# build E2E_OUT: Kubernetes and its add-ons, helm, the S3 server and the e2e client; cold,
# also the image's two platforms, so that scripts/image links from the build cache.
build() {
	scripts/cluster-build
	scripts/deploy-tools.sh helm
	scripts/s3-server-build.sh
	CGO_ENABLED=0 go build -trimpath -o "$1" ./test/cluster/e2e
}
if [ "${1:-}" = build ]; then
	build /dev/null
	# ko builds as .ko.yaml says: CGO_ENABLED=0 -trimpath; its -ldflags change the link
	# only. Named with a second package, go compiles and links nothing (warm: no links
	# for nothing).
	for arch in amd64 arm64; do
		GOOS=linux GOARCH=$arch CGO_ENABLED=0 go build -trimpath ./cmd/carpool ./internal/buildinfo
	done
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	if [ -n "${CI:-}" ]; then echo "cluster: needs root (network namespace, cgroups, iptables)" >&2; exit 1; fi
	echo "cluster: SKIP, needs root"
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/carpool-cluster-check.XXXXXX")
cluster=scripts/cluster
k() { "$cluster" kubectl "$@"; }
in_ns() { "$cluster" exec "$@"; }
helm="$top/.cache/bin/helm"
NS=carpool-e2e
NS_RESTORE=carpool-e2e-restore
NS_PROD=carpool-e2e-prod
NS_FOREIGN=carpool-e2e-foreign
NS_CNPG=carpool-e2e-cnpg
started=$(date +%s)
current=""
s3_pid=""
load_pid=""

# The machine's sysctls, less the counters that move on their own.
sysctls() { sysctl -a 2>/dev/null | grep -vE '^(fs\.(dentry-state|inode-nr|inode-state|file-nr|aio-nr|quota\.)|kernel\.(random|ns_last_pid|pty\.nr|sched_|perf_)|net\.netfilter\.nf_conntrack_count|vm\.stat_refresh)' | sort; }
sysctls >"$work/sysctl-before"
registry_started=""
scripts/registry status || registry_started=1

cleanup() {
	local rc=$?
	set +e
	if [ -n "$load_pid" ]; then kill "$load_pid" 2>/dev/null; wait "$load_pid" 2>/dev/null; fi
	if [ "$rc" -ne 0 ]; then
		echo "== FAILED in step: ${current:-setup} (exit $rc); the cluster as it is:"
		"$cluster" diagnose 2>&1 | tail -n 200
		k -n "$NS_CNPG" get cluster carpool-postgresql -o yaml 2>/dev/null | sed -n '/^status:/,$p' | head -n 60
		for ns in $NS $NS_RESTORE $NS_PROD $NS_CNPG cnpg-system; do
			for p in $(k get pods -n "$ns" -o name 2>/dev/null); do
				echo "--- logs $ns/$p"
				k logs -n "$ns" "$p" --all-containers --tail=30 2>&1
			done
		done
		echo "--- S3 server log"; tail -n 20 "$work/s3.log" 2>/dev/null
	fi
	if [ -n "$s3_pid" ]; then kill "$s3_pid" 2>/dev/null; wait "$s3_pid" 2>/dev/null; fi
	if [ -n "$registry_started" ] && [ -z "${CARPOOL_CLUSTER_KEEP:-}" ]; then scripts/registry stop >/dev/null; fi
	if [ -z "${CARPOOL_CLUSTER_KEEP:-}" ]; then
		"$cluster" down --wipe 2>&1 | sed 's/^/   /'
		sysctls >"$work/sysctl-after"
		if ! diff "$work/sysctl-before" "$work/sysctl-after" >"$work/sysctl.diff"; then
			echo "cluster: the host's sysctls changed:" >&2
			cat "$work/sysctl.diff" >&2
			rc=1
		else
			echo "   host sysctls: as before"
		fi
	fi
	rm -rf "$work"
	echo "== cluster check: $([ "$rc" -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - started ))s"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step_start=0
step() { # NAME: starts a timed step (the previous one ends)
	end_step
	current=$1
	step_start=$(date +%s)
	echo "-- $current"
}
end_step() {
	[ -n "$current" ] && echo "   ok: $current ($(( $(date +%s) - step_start ))s)"
	current=""
}

# until_ok SECONDS CMD...: polls CMD every 2 s until it succeeds, then prints nothing.
until_ok() {
	local secs=$1 t0; shift
	t0=$(date +%s)
	until "$@" >/dev/null 2>&1; do
		if [ $(( $(date +%s) - t0 )) -ge "$secs" ]; then
			echo "   timed out after ${secs}s: $*" >&2
			"$@" || true
			return 1
		fi
		sleep 2
	done
}

step "build (cached by version in ${CARPOOL_CLUSTER_CACHE:-~/.cache/carpool-cluster})"
build "$work/e2e"

step "cluster up"
"$cluster" down --wipe >/dev/null 2>&1 || true
"$cluster" up
k get nodes -o wide
echo "   ingress controller: $(k -n kube-system logs deploy/traefik 2>&1 | grep -o 'Traefik version [^ ]*' | head -n 1)"

step "images: carpool (ko) and PostgreSQL 15 (Debian) pushed with credentials"
eval "$(scripts/registry start)"
export DOCKER_CONFIG
ref=$(CARPOOL_VERSION=e2e-1 scripts/image)
repo="$CARPOOL_REGISTRY/carpool"
# The upgrade's "new tag": the same build under a second tag, as a re-tagged release is.
.cache/bin/crane copy "$repo:e2e-1" "$repo:e2e-2" >/dev/null
pg_ref=$(scripts/postgres-image)
pg_repo=${pg_ref%@*}; pg_tag=${pg_repo##*:}; pg_repo=${pg_repo%:*}
echo "   carpool $ref; postgres $pg_ref"

# namespace NAME: enforcing Pod Security "restricted", with the registry's pull secret.
namespace() {
	k create namespace "$1" --dry-run=client -o yaml | k apply -f - >/dev/null
	k label namespace "$1" --overwrite pod-security.kubernetes.io/enforce=restricted \
		pod-security.kubernetes.io/enforce-version=latest >/dev/null
	scripts/pull-secret -n "$1" --docker-server="$CARPOOL_REGISTRY" --docker-username="$CARPOOL_REGISTRY_USER" \
		--docker-password-stdin carpool-registry <"$CARPOOL_REGISTRY_PASSWORD_FILE" | k apply -f - >/dev/null
}
helm_args=(
	-f test/cluster/values-e2e.yaml
	--set "image.repository=$repo" --set "imagePullSecrets[0].name=carpool-registry"
	--set "postgresql.image.repository=$pg_repo" --set "postgresql.image.tag=$pg_tag"
)

# ready NS: migration Job complete, PVC bound, PostgreSQL and server Ready.
ready() {
	local ns=$1
	k -n "$ns" wait --for=condition=Complete job/carpool-migrate --timeout=300s
	k -n "$ns" wait --for=jsonpath='{.status.phase}'=Bound pvc/data-carpool-postgresql-0 --timeout=60s
	k -n "$ns" rollout status statefulset/carpool-postgresql --timeout=120s
	k -n "$ns" rollout status deploy/carpool --timeout=300s
}
# admin NS: the first admin, made with `carpool members add` in a server pod.
admin_email=ada@example.com admin_password=correct-horse-battery admin_phone='+49 30 1234567'
admin() {
	echo "$admin_password" | k -n "$1" exec -i deploy/carpool -c carpool -- /ko-app/carpool members add \
		--email "$admin_email" --name 'Ada Admin' --phone "$admin_phone" --role admin
}
e2e() { in_ns env E2E_ADMIN_EMAIL="$admin_email" E2E_ADMIN_PASSWORD="$admin_password" E2E_ADMIN_PHONE="$admin_phone" "$work/e2e" "$@"; }
ingress_ready() { in_ns curl -sf -m 5 -H 'Host: carpool.local' http://10.201.0.1/readyz; }

step "helm install (pull secret, bundled PostgreSQL on a local-path PVC, NetworkPolicies)"
namespace "$NS"
in_ns "$helm" install carpool deploy/helm/carpool -n "$NS" "${helm_args[@]}" --set image.tag=e2e-1 --timeout 10m --wait=false

step "migration Job complete, PVC bound, pods Ready"
ready "$NS"
k -n "$NS" get pods,pvc -o wide

step "through the Ingress at carpool.local: sign up, reserve, offer, book, contact shown"
until_ok 60 ingress_ready
admin "$NS"
e2e journey -state "$work/state.json"

# under_load CMD...: runs CMD while riders use carpool through the Ingress ($workers of them,
# 3 unless set): as many as the journey's ride has free seats (3) book and cancel, the rest
# search and read; any failed request fails the step. $rate bounds their requests a second
# (none unless set): a rollout needs a steady stream, not the core an unbounded loop takes
# from the Go tests running beside this check.
under_load() {
	rm -f "$work/stop"
	"$cluster" exec env E2E_ADMIN_EMAIL="$admin_email" "$work/e2e" load -state "$work/state.json" -stop "$work/stop" \
		-workers "${workers:-3}" -rate "${rate:-0}" &
	load_pid=$!
	sleep 5
	"$@"
	sleep 5
	touch "$work/stop"
	local rc=0
	wait "$load_pid" || rc=$?
	load_pid=""
	return "$rc"
}

step "helm upgrade to a new image tag under booking load: zero failed requests"
upgrade() {
	in_ns "$helm" upgrade carpool deploy/helm/carpool -n "$NS" "${helm_args[@]}" --set image.tag=e2e-2 --timeout 10m --wait=false
	k -n "$NS" rollout status deploy/carpool --timeout=300s
}
rate=40 under_load upgrade
k -n "$NS" get deploy/carpool -o jsonpath='   image now {.spec.template.spec.containers[0].image}{"\n"}'

step "a server pod deleted under load: zero failed requests"
delete_pod() {
	local pod
	pod=$(k -n "$NS" get pods -l app.kubernetes.io/component=server -o jsonpath='{.items[0].metadata.name}')
	echo "   deleting $pod"
	k -n "$NS" delete pod "$pod" --wait=true --timeout=120s
	k -n "$NS" rollout status deploy/carpool --timeout=300s
}
rate=40 under_load delete_pod

step "NetworkPolicy: a pod of another namespace cannot reach PostgreSQL; a server-labelled one can"
pg_ip=$(k -n "$NS" get svc carpool-postgresql -o jsonpath='{.spec.clusterIP}')
probe_pod() { # NS NAME LABELS: a busybox pod that tries PostgreSQL's port once
	k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: $2, namespace: $1, labels: {$3}}
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  securityContext: {runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: probe
      image: carpool-cluster.local/busybox:debian
      imagePullPolicy: Never
      # A new pod's address reaches the NetworkPolicy controller's rules only at its next
      # sync: wait for that, so that a refusal means the policy and not the race.
      command: [/bin/sh, -c, "sleep 10; for i in 1 2 3 4 5; do nc -w 3 $pg_ip 5432 </dev/null && echo connected && exit 0; sleep 2; done; exit 1"]
      resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 32Mi}}
      securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
EOF
}
k create namespace "$NS_FOREIGN" --dry-run=client -o yaml | k apply -f - >/dev/null
probe_pod "$NS_FOREIGN" pg-probe "app: foreign"
probe_pod "$NS" pg-probe "app.kubernetes.io/name: carpool, app.kubernetes.io/instance: carpool, app.kubernetes.io/component: server"
phase() { k -n "$1" get pod pg-probe -o jsonpath='{.status.phase}'; }
until_ok 120 sh -c "[ \"\$($cluster kubectl -n $NS_FOREIGN get pod pg-probe -o jsonpath='{.status.phase}')\" = Failed ]"
until_ok 120 sh -c "[ \"\$($cluster kubectl -n $NS get pod pg-probe -o jsonpath='{.status.phase}')\" = Succeeded ]"
echo "   foreign pod: $(phase "$NS_FOREIGN"); server-labelled pod: $(phase "$NS")"
k -n "$NS" delete pod pg-probe --wait=false >/dev/null

step "autoscaling: the chart's HPA scales 2 -> 3 under load (bookings, searches) and back to 2 (metrics-server)"
# The chart's HPA as it is, with a scale-down window of 15 s instead of its 5 minutes so
# that the step ends in time, and a CPU target of 50 % instead of 70 %: the pods' CPU share
# shrinks when the shared machine is busy, and the step must not depend on it. At most 3
# replicas bounds the load's effect.
cat >"$work/values-hpa.yaml" <<EOF
autoscaling:
  enabled: true
  minReplicas: 2
  maxReplicas: 3
  targetCPUUtilizationPercentage: 50
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 15
      policies: [{type: Pods, value: 1, periodSeconds: 15}]
EOF
in_ns "$helm" upgrade carpool deploy/helm/carpool -n "$NS" "${helm_args[@]}" -f "$work/values-hpa.yaml" --set image.tag=e2e-2 --timeout 10m --wait=false >/dev/null
hpa() { k -n "$NS" get hpa carpool -o jsonpath="$1"; }
hpa_state() { hpa '{.status.currentReplicas} replicas, want {.status.desiredReplicas}, CPU {.status.currentMetrics[0].resource.current.averageUtilization}% of requests'; }
hpa_measures() { [ -n "$(hpa '{.status.currentMetrics[0].resource.current.averageUtilization}')" ]; }
hpa_wants() { [ "$(hpa '{.status.desiredReplicas}')" = "$1" ]; }
replicas() { [ "$(k -n "$NS" get deploy carpool -o jsonpath='{.spec.replicas}')" = "$1" ]; }
until_ok 180 hpa_measures
echo "   $(date -u +%T) the HPA reads the pods' CPU from metrics-server: $(hpa_state)"
until_ok 120 hpa_wants 2
scale_up() {
	local t0
	t0=$(date +%s)
	until_ok 300 hpa_wants 3
	echo "   $(date -u +%T) 2 -> 3 after $(( $(date +%s) - t0 ))s of load: $(hpa_state)"
	k -n "$NS" rollout status deploy/carpool --timeout=300s >/dev/null
	echo "   $(date -u +%T) 3 replicas ready $(( $(date +%s) - t0 ))s after the load began"
}
workers=8 under_load scale_up
t0=$(date +%s)
until_ok 300 replicas 2
# The HPA's own replica count follows the Deployment only at its next sync: show its wish.
echo "   $(date -u +%T) 3 -> 2 after $(( $(date +%s) - t0 ))s without load: $(hpa 'the HPA wants {.status.desiredReplicas}, CPU {.status.currentMetrics[0].resource.current.averageUtilization}% of requests')"
k -n "$NS" rollout status deploy/carpool --timeout=300s >/dev/null

step "Prometheus scrapes the pods and evaluates the chart's rules: CarpoolNotReady fires with the database stopped, resolves when it is back"
# Prometheus (the release promtool is from, built with remove_all_sd: no Kubernetes
# discovery) in namespace monitoring, which the chart's NetworkPolicy admits to the admin
# port; its targets are the server pods, listed now, in a static config; its rules are the
# chart's PrometheusRule, rendered for this release.
server_pods() { [ "$(k -n "$NS" get pods -l app.kubernetes.io/component=server --no-headers | wc -l)" = 2 ]; }
until_ok 120 server_pods
"$helm" template carpool deploy/helm/carpool -n "$NS" --kube-version 1.34.2 --set prometheusRule.enabled=true \
	--show-only templates/prometheusrule.yaml | awk '/^spec:/ {on = 1; next} on {print substr($0, 3)}' >"$work/rules.yaml"
{
	echo "global: {scrape_interval: 5s, evaluation_interval: 5s}"
	echo "rule_files: [/etc/prometheus/rules.yaml]"
	echo "scrape_configs:"
	echo "  - job_name: carpool"
	echo "    static_configs:"
	k -n "$NS" get pods -l app.kubernetes.io/component=server -o jsonpath='{range .items[*]}{.metadata.name} {.status.podIP}{"\n"}{end}' |
		while read -r pod ip; do
			echo "      - {targets: ['$ip:9090'], labels: {namespace: $NS, pod: $pod}}"
		done
} >"$work/prometheus.yml"
k create namespace monitoring --dry-run=client -o yaml | k apply -f - >/dev/null
k -n monitoring create configmap prometheus --from-file=prometheus.yml="$work/prometheus.yml" \
	--from-file=rules.yaml="$work/rules.yaml" --dry-run=client -o yaml | k apply -f - >/dev/null
k apply -f test/cluster/monitoring/prometheus.yaml >/dev/null
k -n monitoring rollout status deploy/prometheus --timeout=180s >/dev/null
prom_ip=$(k -n monitoring get pods -l app.kubernetes.io/name=prometheus -o jsonpath='{.items[0].status.podIP}')
prom() { in_ns curl -sf -m 5 "http://$prom_ip:9090/api/v1/$1"; }
query() { in_ns curl -sf -m 5 -G "http://$prom_ip:9090/api/v1/query" --data-urlencode "query=$1"; }
# alert_state NAME: firing, pending or inactive, then the pods it names (Prometheus' ALERTS
# series carry the alert's labels and its state).
alert_state() {
	local r
	r=$(query "ALERTS{alertname=\"$1\"}")
	if grep -q '"alertstate":"firing"' <<<"$r"; then printf firing
	elif grep -q '"alertstate":"pending"' <<<"$r"; then printf pending
	else printf inactive; fi
	grep -o '"pod":"[^"]*"' <<<"$r" | cut -d'"' -f4 | sort -u | sed 's/^/ /' | tr -d '\n'
	echo
}
alert_is() { [ "$(alert_state CarpoolNotReady | cut -d' ' -f1)" = "$1" ]; }
targets_up() { query 'sum(up{job="carpool"})' | grep -q '"value":\[[0-9.]*,"2"\]'; }
echo "   Prometheus $(prom status/buildinfo | grep -o '"version":"[^"]*"' | cut -d'"' -f4), $(grep -c -- '- alert:' "$work/rules.yaml") alert rules"
until_ok 180 targets_up
echo "   $(date -u +%T) both server pods scraped; CarpoolNotReady $(alert_state CarpoolNotReady)"
alert_is inactive || { echo "   CarpoolNotReady is active with the database up" >&2; exit 1; }
k -n "$NS" scale statefulset/carpool-postgresql --replicas=0 >/dev/null
t0=$(date +%s)
echo "   $(date -u +%T) PostgreSQL stopped (StatefulSet scaled to 0)"
until_ok 300 alert_is firing
echo "   $(date -u +%T) CarpoolNotReady firing $(( $(date +%s) - t0 ))s after the stop: $(alert_state CarpoolNotReady)"
k -n "$NS" scale statefulset/carpool-postgresql --replicas=1 >/dev/null
k -n "$NS" rollout status statefulset/carpool-postgresql --timeout=180s >/dev/null
t0=$(date +%s)
echo "   $(date -u +%T) PostgreSQL back"
until_ok 300 alert_is inactive
echo "   $(date -u +%T) CarpoolNotReady resolved $(( $(date +%s) - t0 ))s after PostgreSQL came back"
k -n "$NS" rollout status deploy/carpool --timeout=120s >/dev/null
until_ok 60 ingress_ready

step "backup: the CronJob run as a Job writes its archive to S3 (versitygw on the node)"
mkdir -p "$work/s3/carpool-backups"
"$cluster" exec .cache/bin/versitygw --access carpool --secret carpool-e2e-only --port 10.201.0.1:7070 posix "$work/s3" >"$work/s3.log" 2>&1 &
s3_pid=$!
until_ok 30 in_ns curl -s -m 2 -o /dev/null http://10.201.0.1:7070/
k -n "$NS" create job --from=cronjob/carpool-backup carpool-backup-e2e
k -n "$NS" wait --for=condition=Complete job/carpool-backup-e2e --timeout=300s
archive="$work/s3/carpool-backups/carpool/carpool-backup-e2e.jsonl.gz"
[ -s "$archive" ] || { echo "   no archive at $archive" >&2; ls -lR "$work/s3" >&2; exit 1; }
echo "   s3://carpool-backups/carpool/carpool-backup-e2e.jsonl.gz: $(stat -c %s "$archive") bytes"

step "restore into a fresh install; the same data through the API"
in_ns "$helm" uninstall carpool -n "$NS" --wait --timeout 5m >/dev/null
namespace "$NS_RESTORE"
in_ns "$helm" install carpool deploy/helm/carpool -n "$NS_RESTORE" "${helm_args[@]}" --set image.tag=e2e-1 --timeout 10m --wait=false
ready "$NS_RESTORE"
k -n "$NS_RESTORE" create job --from=cronjob/carpool-backup carpool-restore-e2e --dry-run=client -o yaml |
	sed -e 's#^\( *\)- backup$#\1- restore\n\1- --force#' -e 's#- --to$#- --from#' \
		-e 's#- s3://.*#- s3://carpool-backups/carpool/carpool-backup-e2e.jsonl.gz#' |
	k apply -f -
k -n "$NS_RESTORE" wait --for=condition=Complete job/carpool-restore-e2e --timeout=300s
until_ok 60 ingress_ready
e2e verify -state "$work/state.json"

step "helm rollback"
in_ns "$helm" upgrade carpool deploy/helm/carpool -n "$NS_RESTORE" "${helm_args[@]}" --set image.tag=e2e-2 --timeout 10m --wait=false
k -n "$NS_RESTORE" rollout status deploy/carpool --timeout=300s
in_ns "$helm" rollback carpool 1 -n "$NS_RESTORE" --timeout 10m
k -n "$NS_RESTORE" rollout status deploy/carpool --timeout=300s
image=$(k -n "$NS_RESTORE" get deploy/carpool -o jsonpath='{.spec.template.spec.containers[0].image}')
[ "$image" = "$repo:e2e-1" ] || { echo "   after rollback the image is $image, want $repo:e2e-1" >&2; exit 1; }
in_ns "$helm" history carpool -n "$NS_RESTORE" | sed 's/^/   /'
until_ok 60 ingress_ready
e2e verify -state "$work/state.json"

step "a pull without the secret fails with 401"
k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: pull-without-secret, namespace: $NS_FOREIGN}
spec:
  automountServiceAccountToken: false
  containers:
    - name: carpool
      image: $repo:e2e-1
      imagePullPolicy: Always
EOF
pull_events() { k -n "$NS_FOREIGN" get events --field-selector involvedObject.name=pull-without-secret,reason=Failed -o jsonpath='{.items[*].message}'; }
until_ok 120 sh -c "$cluster kubectl -n $NS_FOREIGN get events --field-selector involvedObject.name=pull-without-secret,reason=Failed -o jsonpath='{.items[*].message}' | grep -q '401 Unauthorized'"
echo "   $(pull_events | grep -o '[^:]*401 Unauthorized' | head -n 1)"

step "kubectl apply -k of the prod overlay into namespace $NS_PROD"
in_ns "$helm" uninstall carpool -n "$NS_RESTORE" --wait --timeout 5m >/dev/null
namespace "$NS_PROD"
# The overlay as it is, less what only a real production has: this registry and tags, this
# namespace; its Secrets made here (docs/operations.md says to create them first). Kustomize
# takes the overlay only by a relative path from outside the repository.
mkdir -p "$work/prod"
cat >"$work/prod/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: $NS_PROD
resources:
  - $(realpath --relative-to="$work/prod" "$top/deploy/kustomize/overlays/prod")
images:
  - name: $(kubectl kustomize deploy/kustomize/overlays/prod | sed -n 's#^ *image: \(.*carpool\):.*#\1#p' | head -n 1)
    newName: $repo
    newTag: e2e-1
  - name: docker.io/library/postgres
    newName: $pg_repo
    newTag: "$pg_tag"
EOF
k apply -f deploy/validation/crds/ >/dev/null
k wait --for condition=established --timeout=60s crd/servicemonitors.monitoring.coreos.com \
	crd/prometheusrules.monitoring.coreos.com crd/certificates.cert-manager.io >/dev/null
k -n "$NS_PROD" create secret generic carpool-db --from-literal=password=prod-e2e-password --dry-run=client -o yaml | k apply -f - >/dev/null
# The prod overlay reads its mail settings from this Secret (components/mail); the
# check sends no mail, but the pods cannot start without it.
k -n "$NS_PROD" create secret generic carpool-smtp --from-literal=smtp-url=smtp://carpool@mail.invalid:587 --from-literal=smtp-password=unused --dry-run=client -o yaml | k apply -f - >/dev/null
k -n "$NS_PROD" create secret generic carpool-backup-s3 --from-literal=AWS_ACCESS_KEY_ID=carpool \
	--from-literal=AWS_SECRET_ACCESS_KEY=carpool-e2e-only --dry-run=client -o yaml | k apply -f - >/dev/null
# One check-in secret for every replica, made as an operator would make it.
k -n "$NS_PROD" create secret generic carpool-checkin --from-literal=checkin-secret="$(head -c 32 /dev/urandom | base64)" \
	--dry-run=client -o yaml | k apply -f - >/dev/null
kubectl kustomize --load-restrictor LoadRestrictionsNone "$work/prod" >"$work/prod.yaml"
k apply -f "$work/prod.yaml" | sed 's/^/   /'
ready "$NS_PROD"
k -n "$NS_PROD" get deploy,statefulset,pvc,hpa,pdb,networkpolicy

. scripts/checks/lib/cloudnative-pg-failover.sh
end_step
