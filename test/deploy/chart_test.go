package deploy_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestChartRefusesUnsafeValues: the chart's schema and checks turn away values that would
// deploy something broken, with a message naming the value.
func TestChartRefusesUnsafeValues(t *testing.T) {
	render(t) // installs helm into .cache/bin when missing
	root := repoRoot()
	helm := filepath.Join(root, ".cache", "bin", "helm")
	cases := []struct {
		name string
		set  []string
		want string
	}{
		{"latest image tag", []string{"image.tag=latest"}, "/image/tag"},
		{"external database without a secret", []string{"postgresql.enabled=false"}, "existingSecret"},
		{"grace period shorter than the shutdown", []string{"terminationGracePeriodSeconds=20"}, "terminationGracePeriodSeconds"},
		{"shutdown delay not in seconds", []string{"config.shutdownDelay=5m"}, "shutdownDelay"},
		{"too few database connections", []string{"autoscaling.enabled=true", "config.dbMaxConns=30"}, "maxConnections"},
		{"unknown value", []string{"replicas=3"}, "replicas"},
		{"mail without a sender", []string{"mail.existingSecret=smtp"}, "mail.from"},
		{"mail egress to a host name", []string{"mail.egress.cidr=smtp.example.com"}, "/mail/egress/cidr"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"template", "carpool", filepath.Join(root, "deploy", "helm", "carpool"),
				"--namespace", "carpool", "--kube-version", "1.32.0"}
			for _, s := range tc.set {
				args = append(args, "--set", s)
			}
			out, err := exec.Command(helm, args...).CombinedOutput()
			if err == nil {
				t.Fatalf("helm template --set %v succeeded, want an error naming %s", tc.set, tc.want)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("helm template --set %v: got %q, want it to name %s", tc.set, strings.TrimSpace(string(out)), tc.want)
			}
		})
	}
}
