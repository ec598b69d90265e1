#!/usr/bin/env bash
# Measures notification delivery lag (p50/p99, inbox and e-mail) with three `carpool
# serve` replicas on one throwaway PostgreSQL and Mailpit as the SMTP server, at a steady
# event rate (default 100 events/s for 30 s), and writes the figures as JSON.
#
#	bench/notifylag/run.sh [out.json]      CARPOOL_NOTIFY_LAG_RATE / _SECONDS change the load
#
# The harness (replicas, database, load) is the one of test/replicas, so it runs as a Go
# test that is skipped unless CARPOOL_NOTIFY_LAG_OUT names the output file.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$(realpath -m "${1:-bench-notifylag.json}")"
scripts/mailpit-build.sh
echo "measuring notification lag into $out"
CARPOOL_NOTIFY_LAG_OUT="$out" go test -count=1 -timeout 15m -run TestNotificationLag -v ./test/replicas |
	grep -E '^(---|ok|FAIL|PASS)'
cat "$out"
