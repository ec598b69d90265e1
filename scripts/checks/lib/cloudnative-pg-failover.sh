# Sourced by scripts/checks/90-cluster.sh on its running cluster, after the other steps:
# PostgreSQL by CloudNativePG (the chart's postgresql.mode cloudnative-pg) and its failover
# under booking load:
#   the operator (scripts/cluster cloudnative-pg) -> helm install in cloudnative-pg mode: a
#   Cluster of a primary and a standby, carpool on the operator's app Secret and -rw
#   Service -> the journey through Traefik -> riders book and cancel (more of them than
#   free seats) while the primary's pod is deleted: the operator promotes the standby;
#   failed requests and the seconds until requests succeed again are logged -> the
#   database itself: every booking as the riders were last told (none lost), the ride not
#   overbooked, the old primary back as a standby.
# Uses the caller's k, in_ns, step, until_ok, namespace, admin, e2e, ingress_ready, helm,
# helm_args, work, and sets load_pid while its load runs.
PG=carpool-postgresql

step "CloudNativePG: the operator; the prod overlay removed (carpool.local is served by one install at a time)"
k delete namespace "$NS_PROD" --wait=false >/dev/null
"$cluster" cloudnative-pg
echo "   operator: $(k -n cnpg-system logs deploy/cnpg-controller-manager 2>&1 | grep -o '"version":"[^"]*"' | head -n 1)"

step "helm install in cloudnative-pg mode into $NS_CNPG: a Cluster of 2 instances, carpool on its -rw Service"
namespace "$NS_CNPG"
# The operator's own image (its instance manager, copied into each PostgreSQL pod by an
# init container) is imported into the node, not in the registry: the Cluster's pull
# policy, which the init container shares, must not be Always.
in_ns "$helm" install carpool deploy/helm/carpool -n "$NS_CNPG" "${helm_args[@]}" --set image.tag=e2e-1 \
	--set postgresql.mode=cloudnative-pg --set postgresql.image.pullPolicy=IfNotPresent \
	--timeout 10m --wait=false
k -n "$NS_CNPG" wait --for=condition=Ready "cluster/$PG" --timeout=600s
k -n "$NS_CNPG" wait --for=condition=Complete job/carpool-migrate --timeout=300s
k -n "$NS_CNPG" rollout status deploy/carpool --timeout=300s
k -n "$NS_CNPG" get cluster,pods,pvc -o wide

step "through Traefik at carpool.local on CloudNativePG: sign up, reserve, offer, book"
k wait --for=delete "namespace/$NS_PROD" --timeout=300s >/dev/null
until_ok 60 ingress_ready
admin "$NS_CNPG"
e2e journey -state "$work/cnpg-state.json"

step "CloudNativePG: the primary's pod deleted under booking load, the standby takes over"
primary() { k -n "$NS_CNPG" get cluster "$PG" -o jsonpath='{.status.currentPrimary}'; }
old=$(primary)
echo "   primary $old, standby $(k -n "$NS_CNPG" get pods -l "cnpg.io/cluster=$PG,cnpg.io/instanceRole=replica" -o jsonpath='{.items[*].metadata.name}')"
rm -f "$work/stop"
e2e failover -state "$work/cnpg-state.json" -stop "$work/stop" -acks "$work/acks.tsv" -summary "$work/summary.json" -workers 6 -rate 40 &
load_pid=$!
sleep 15
deleted=$(date +%s.%N)
echo "   $(date -u +%T) deleting $old"
k -n "$NS_CNPG" delete pod "$old" --wait=false >/dev/null
promoted() { p=$(primary); [ -n "$p" ] && [ "$p" != "$old" ]; }
until_ok 300 promoted
new=$(primary)
echo "   $(date -u +%T) $new promoted $(awk -v a="$deleted" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')s after the deletion"
# The load goes on until carpool has served for a while on the new primary.
sleep 30
touch "$work/stop"
load_rc=0
wait "$load_pid" || load_rc=$?
load_pid=""
[ "$load_rc" -eq 0 ] || { echo "   the failover load failed" >&2; exit 1; }
summary=$(cat "$work/summary.json")
field() { grep -o "\"$1\":[0-9.e+-]*" <<<"$summary" | cut -d: -f2; }
failed=$(field failed)
recover=$(awk -v a="$deleted" -v l="$(field last_failure)" 'BEGIN {printf "%.1f", (l > a) ? l - a : 0}')
echo "   failover: $(field requests) requests, $failed failed, carpool serving again ${recover}s after the primary's deletion"

step "CloudNativePG: the database after the failover, no confirmed booking lost, none overbooked"
k -n "$NS_CNPG" wait --for=condition=Ready "cluster/$PG" --timeout=300s >/dev/null
echo "   instances: $(k -n "$NS_CNPG" get cluster "$PG" -o jsonpath='{.status.readyInstances}') ready, primary $(primary), $old back as $(k -n "$NS_CNPG" get pod "$old" -o jsonpath='{.metadata.labels.cnpg\.io/instanceRole}')"
ride=$(grep -o '"ride_id": *"[^"]*"' "$work/cnpg-state.json" | cut -d'"' -f4)
[ -n "$ride" ] || { echo "   no ride_id in the journey's state" >&2; exit 1; }
psql() { k -n "$NS_CNPG" exec "$(primary)" -c postgres -- psql -d carpool -tAF "$(printf '\t')" -c "$1"; }
psql "SELECT id, status FROM bookings WHERE ride_id = '$ride' ORDER BY id" >"$work/db.tsv"
lost=$(awk -F'\t' 'FILENAME == ARGV[1] {db[$1] = $2; next}
	!($1 in db) {print $1 " acknowledged " $2 ", missing in the database"; next}
	db[$1] != $2 {print $1 " acknowledged " $2 ", in the database " db[$1]}' "$work/db.tsv" "$work/acks.tsv")
if [ -n "$lost" ]; then
	echo "   bookings whose state the riders were told and the database lost:" >&2
	echo "$lost" | sed 's/^/     /' >&2
	exit 1
fi
read -r seats taken confirmed < <(psql "SELECT r.seats, r.seats_taken, COALESCE(SUM(b.seats) FILTER (WHERE b.status = 'confirmed'), 0) FROM rides r LEFT JOIN bookings b ON b.ride_id = r.id WHERE r.id = '$ride' GROUP BY r.id" | tr '\t' ' ')
echo "   $(wc -l <"$work/acks.tsv") bookings acknowledged, all as the database has them (0 lost); ride $ride: $confirmed of $seats seats confirmed, seats_taken $taken"
if [ "$confirmed" -gt "$seats" ] || [ "$taken" -ne "$confirmed" ]; then
	echo "   overbooked or out of step: $confirmed confirmed seats, $seats offered, seats_taken $taken" >&2
	exit 1
fi
echo "   CloudNativePG switchover: $failed failed requests, ${recover}s to recover, 0 lost, 0 overbooked"
