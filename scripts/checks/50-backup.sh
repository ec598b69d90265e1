#!/usr/bin/env bash
# Backup at full size: the round trips (both engines and SQLite -> PostgreSQL -> SQLite)
# and the memory bound with 100,000 bookings, and the S3 path against versitygw. The main
# `go test -race` run covers the same tests, but its race detector slows the pure-Go SQLite
# some fiftyfold, so there the fixtures hold 2,000 bookings; this check runs them
# without it. It builds versitygw first (cached in .cache/bin) so the S3 test has its
# server; PostgreSQL comes from scripts/install-test-deps.
set -euo pipefail
cd "$(dirname "$0")/../.."

scripts/s3-server-build.sh

echo "backup: full-size round trips, memory bound and S3 (no race detector)"
CGO_ENABLED=0 go test -trimpath -count=1 -timeout 30m -v \
	-run '^(TestRoundTrip|TestRoundTripCrossEngine|TestBackupMemoryIsBounded|TestS3)$' \
	./internal/backup/ 2>&1 | grep -E '^(=== RUN|--- |PASS|FAIL|ok|panic)|\.go:[0-9]+:' 
exit "${PIPESTATUS[0]}"
