package replicas_test

import (
	"context"
	"database/sql"
	"testing"

	harness "carpool/test/cluster"
)

// The harness lives in test/cluster, shared with the fault tests; these names keep the
// tests of this package short.

type replica = harness.Replica

func carpoolBinary(t *testing.T) string { return harness.Binary(t) }

func carpoolEnv(extra ...string) []string { return harness.Env(extra...) }

func runCarpool(ctx context.Context, t *testing.T, stdin string, env []string, args ...string) (string, error) {
	t.Helper()
	return harness.Run(ctx, t, stdin, env, args...)
}

func startReplica(t *testing.T, name string, dbEnv ...string) *replica {
	t.Helper()
	return harness.Start(t, name, dbEnv...)
}

func probe(url string) (int, error) { return harness.Probe(url) }

func call(t *testing.T, method, url, token string, body, out any) int {
	t.Helper()
	return harness.Call(t, method, url, token, body, out)
}

func send(method, url, token string, body any) (int, []byte, error) {
	return harness.Send(method, url, token, body)
}

func openSQL(t *testing.T, url string) *sql.DB {
	t.Helper()
	return harness.OpenSQL(t, url)
}
func removeBinary() { harness.RemoveBinary() }

// apiClient is the harness's client for requests to the replicas.
var apiClient = harness.APIClient
