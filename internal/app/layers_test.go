package app_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestLayers checks the import graph that docs/architecture.md draws: the REST API and
// the web UI are two adapters over the application layer and neither reaches into the
// other; the application layer knows the domain, not the edges or the engines.
func TestLayers(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the go command is not on PATH: %v", err)
		}
		t.Skip("the go command is not on PATH; the import graph is checked where it is")
	}
	cases := []struct {
		pkg     string
		want    []string
		wantNot []string
	}{
		{"carpool/internal/web", []string{"carpool/internal/app"}, []string{"carpool/internal/httpapi"}},
		{"carpool/internal/httpapi", []string{"carpool/internal/app"}, []string{"carpool/internal/web"}},
		{"carpool/internal/app", []string{"carpool/internal/carpool"}, []string{
			"carpool/internal/web", "carpool/internal/httpapi", "carpool/internal/sqlstore",
			"carpool/internal/sqlite", "carpool/internal/postgres", "carpool/internal/telemetry",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.pkg, func(t *testing.T) {
			out, err := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}}", tc.pkg).Output()
			if err != nil {
				var stderr string
				if ee, ok := err.(*exec.ExitError); ok {
					stderr = string(ee.Stderr)
				}
				t.Fatalf("go list -deps %s: %v\n%s", tc.pkg, err, stderr)
			}
			deps := map[string]bool{}
			for _, p := range strings.Fields(string(out)) {
				deps[p] = true
			}
			for _, p := range tc.want {
				if !deps[p] {
					t.Errorf("%s imports %s: got false, want true", tc.pkg, p)
				}
			}
			for _, p := range tc.wantNot {
				if deps[p] {
					t.Errorf("%s imports %s (directly or not): got true, want false", tc.pkg, p)
				}
			}
		})
	}
}
