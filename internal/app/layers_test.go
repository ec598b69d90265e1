package app_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestLayers checks the import graph that docs/architecture.md draws: the domain imports
// nothing of ours; the shared SQL imports only the domain; the REST API and the web UI
// are two adapters over the application layer, neither reaches into the other nor into
// an engine; the application layer knows the domain, not the edges or the engines.
func TestLayers(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the go command is not on PATH: %v", err)
		}
		t.Skip("the go command is not on PATH; the import graph is checked where it is")
	}
	engines := []string{"carpool/internal/sqlstore", "carpool/internal/sqlite", "carpool/internal/postgres"}
	cases := []struct {
		pkg     string
		want    []string
		wantNot []string
		// ours, when set, lists every package of this module pkg may depend on: the
		// domain depends on none, the shared SQL on the domain alone.
		ours []string
	}{
		{pkg: "carpool/internal/carpool", ours: []string{}},
		{pkg: "carpool/internal/sqlstore", want: []string{"carpool/internal/carpool"}, ours: []string{"carpool/internal/carpool"}},
		{pkg: "carpool/internal/notify", wantNot: engines},
		// The edges reach the use cases through the application layer only: not the
		// notification relay, not an engine.
		{pkg: "carpool/internal/web", want: []string{"carpool/internal/app"}, wantNot: append([]string{"carpool/internal/httpapi", "carpool/internal/notify"}, engines...)},
		{pkg: "carpool/internal/httpapi", want: []string{"carpool/internal/app"}, wantNot: append([]string{"carpool/internal/web", "carpool/internal/notify"}, engines...)},
		{pkg: "carpool/internal/partnerapi", want: []string{"carpool/internal/app"}, wantNot: append([]string{"carpool/internal/web", "carpool/internal/httpapi", "carpool/internal/notify"}, engines...)},
		{pkg: "carpool/internal/app", want: []string{"carpool/internal/carpool"}, wantNot: append([]string{
			"carpool/internal/web", "carpool/internal/httpapi", "carpool/internal/telemetry", "carpool/internal/notify",
		}, engines...)},
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
			if tc.ours != nil {
				allowed := map[string]bool{tc.pkg: true}
				for _, p := range tc.ours {
					allowed[p] = true
				}
				for p := range deps {
					if strings.HasPrefix(p, "carpool/") && !allowed[p] {
						t.Errorf("%s depends on %s: got true, want only %v", tc.pkg, p, tc.ours)
					}
				}
			}
		})
	}
}
