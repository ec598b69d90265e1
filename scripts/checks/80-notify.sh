#!/usr/bin/env bash
# Notifications across replicas: three `carpool serve` on one PostgreSQL with a real SMTP
# server (Mailpit), 1,000 bookings and cancellations from many clients, one replica
# SIGKILLed halfway; every notification must reach the inbox exactly once and the SMTP
# server under its Message-ID. It takes minutes, so `go test ./...` skips it.
set -euo pipefail
cd "$(dirname "$0")/../.."

scripts/mailpit-build.sh
echo "== notifications across 3 replicas (CARPOOL_NOTIFY_SOAK=1000)"
CARPOOL_NOTIFY_SOAK=1000 CGO_ENABLED=0 go test -trimpath -count=1 -timeout 20m -run TestNotificationsAcrossReplicas -v ./test/replicas |
	grep -E '^(---|ok|FAIL|PASS)|notify_test.go' 
