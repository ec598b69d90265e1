// Package faults holds the fault tests: three `carpool serve` replicas on one
// PostgreSQL under steady booking load, from clients that retry with the same
// Idempotency-Key, while a replica is killed, PostgreSQL restarts (fast and immediate)
// or freezes longer than the statement timeout. After each fault no confirmed booking is
// lost or duplicated, no ride is overbooked, and readiness went down and came back.
//
// They run with `go test ./...` (about a minute; skipped with -short). With
// CARPOOL_FAULTS_REPORT=path each test adds its failed-request fraction to a JSON file
// that `bench/perf report` renders into docs/performance.md.
package faults
