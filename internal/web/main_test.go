package web_test

import (
	"os"
	"testing"

	"carpool/internal/pgtest"
)

// TestMain stops the PostgreSQL server the engine-neutral tests start, if they did.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
