#!/usr/bin/env bash
# Unit tests of carpool's alerts with `promtool test rules` (promtool built from the pinned
# Prometheus module): the PrometheusRule of the Helm chart and its Kustomize twin (prod
# overlay) are rendered for namespace carpool, their rule groups extracted and run against
# deploy/validation/alerts-test.yaml, where every alert has series that fire it and healthy
# series that must not. Every alert of a rendering must have both kinds of test. No cluster.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
work=$(mktemp -d "${TMPDIR:-/tmp}/carpool-alerts.XXXXXX")
trap 'rm -rf "$work"' EXIT
tests=deploy/validation/alerts-test.yaml

echo "-- tools"
scripts/deploy-tools.sh helm promtool
promtool=.cache/bin/promtool

# rules FILE: the spec (rule groups) of the one PrometheusRule in a multi-document rendering.
rules() {
	awk '
		function flush() { if (rule) { printf "%s", spec; n++ } spec = ""; rule = 0; inspec = 0 }
		/^---/ { flush(); next }
		/^kind: PrometheusRule$/ { rule = 1 }
		inspec && /^[^ ]/ { inspec = 0 }
		inspec { spec = spec substr($0, 3) "\n"; next }
		/^spec:/ { inspec = 1 }
		END { flush(); if (n != 1) { print "want one PrometheusRule, found " n > "/dev/stderr"; exit 1 } }
	' "$1"
}

echo "-- render"
.cache/bin/helm template carpool deploy/helm/carpool -n carpool --kube-version 1.34.2 --set prometheusRule.enabled=true >"$work/helm.yaml"
kubectl kustomize deploy/kustomize/overlays/prod >"$work/kustomize.yaml"

failed=0
for v in helm kustomize; do
	echo "-- $v: promtool check rules, test rules"
	mkdir -p "$work/$v"
	rules "$work/$v.yaml" >"$work/$v/rules.yaml"
	sed 's#^  - RULES$#  - rules.yaml#' "$tests" >"$work/$v/alerts-test.yaml"
	"$promtool" check rules "$work/$v/rules.yaml" | sed 's/^/   /'
	for alert in $(sed -n 's/^ *- alert: *//p' "$work/$v/rules.yaml"); do
		fires=$(grep -A3 "alertname: $alert\$" "$tests" | grep -c 'exp_labels' || true)
		quiet=$(grep -A2 "alertname: $alert\$" "$tests" | grep -c 'exp_alerts: \[\]' || true)
		if [ "$fires" -eq 0 ] || [ "$quiet" -eq 0 ]; then
			echo "   $alert: needs a test where it fires ($fires) and one where it stays quiet ($quiet)" >&2
			failed=1
		fi
	done
	if ! (cd "$work/$v" && "$top/$promtool" test rules alerts-test.yaml) >"$work/$v/out" 2>&1; then
		cat "$work/$v/out" >&2
		failed=1
	else
		echo "   $(grep -c '^  - name:' "$tests") test groups passed for $(grep -c -- '- alert:' "$work/$v/rules.yaml") alerts"
	fi
done
[ "$failed" -eq 0 ]
echo "-- alerts tested"
