package main

import (
	"bytes"
	"os"
	"testing"
)

// TestStoreGenIsCurrent fails while internal/telemetry/store_gen.go differs from what
// storegen writes for today's carpool.Store: run go generate ./internal/telemetry.
func TestStoreGenIsCurrent(t *testing.T) {
	want, err := generate("../../carpool", "..", "store_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../store_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("store_gen.go is out of date: run go generate ./internal/telemetry")
	}
}
