package deploy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// withMail are the variants that turn e-mail on: the prod overlay (components/mail) and
// the chart with values-prod.yaml (mail.existingSecret).
var withMail = map[string]bool{"kustomize-prod": true, "helm-prod": true}

// TestMailComesFromASecretAsFiles: where e-mail is on, the server reads the SMTP URL and
// password from files of a mounted Secret (never from plain variables, which `kubectl
// describe` shows), has a sender, and its NetworkPolicy lets it reach the SMTP port; where
// it is off, none of that is rendered.
func TestMailComesFromASecretAsFiles(t *testing.T) {
	forEachVariant(t, func(t *testing.T, objs []object, ix index) {
		v := strings.TrimPrefix(t.Name(), "TestMailComesFromASecretAsFiles/")
		env := serverEnv(t, ix)
		for _, plain := range []string{"CARPOOL_SMTP_URL", "CARPOOL_SMTP_PASSWORD"} {
			if _, ok := env[plain]; ok {
				t.Errorf("server gets %s as a variable, want it only as %s_FILE", plain, plain)
			}
		}
		egress := smtpEgress(ix, 587)
		if !withMail[v] {
			for _, name := range []string{"CARPOOL_SMTP_URL_FILE", "CARPOOL_MAIL_FROM"} {
				if _, ok := env[name]; ok {
					t.Errorf("server gets %s, want e-mail off in %s", name, v)
				}
			}
			if egress {
				t.Errorf("server NetworkPolicy allows port 587 with e-mail off")
			}
			return
		}
		want := map[string]string{
			"CARPOOL_SMTP_URL_FILE":      "/etc/carpool/smtp/smtp-url",
			"CARPOOL_SMTP_PASSWORD_FILE": "/etc/carpool/smtp/smtp-password",
			"CARPOOL_MAIL_FROM":          "Carpool <carpool@carpool.local>",
		}
		for name, value := range want {
			if got := str(env[name]); got != value {
				t.Errorf("server %s = %q, want %q", name, got, value)
			}
		}
		vol := podTemplates([]object{ix["Deployment/carpool"]})[0].volume("smtp")
		if got := str(get(vol, "secret", "secretName")); got != "carpool-smtp" {
			t.Errorf("volume smtp comes from Secret %q, want carpool-smtp", got)
		}
		if !egress {
			t.Errorf("server NetworkPolicy has no egress to TCP 587, the SMTP server is unreachable")
		}
	})
}

// serverEnv is the resolved environment of the carpool container of Deployment/carpool.
func serverEnv(t *testing.T, ix index) map[string]any {
	t.Helper()
	d, ok := ix["Deployment/carpool"]
	if !ok {
		t.Fatal("no Deployment/carpool")
	}
	for _, c := range podTemplates([]object{d})[0].containers(false) {
		if str(c["name"]) == "carpool" {
			return effectiveEnv(c, ix)
		}
	}
	t.Fatal("Deployment/carpool has no container carpool")
	return nil
}

// smtpEgress tells whether NetworkPolicy/carpool-server lets the server open TCP port.
func smtpEgress(ix index, port int) bool {
	for _, rule := range list(get(ix["NetworkPolicy/carpool-server"], "spec", "egress")) {
		for _, p := range list(mapOf(rule)["ports"]) {
			if num(mapOf(p)["port"]) == port && str(mapOf(p)["protocol"]) == "TCP" {
				return true
			}
		}
	}
	return false
}

// TestChartMailValues: the chart's mail values reach the pod as given: the Secret's key
// names, no password file without passwordKey, and the egress rule's address and port.
func TestChartMailValues(t *testing.T) {
	render(t) // installs helm into .cache/bin when missing
	root := repoRoot()
	out, err := exec.Command(filepath.Join(root, ".cache", "bin", "helm"), "template", "carpool",
		filepath.Join(root, "deploy", "helm", "carpool"), "--namespace", "carpool", "--kube-version", "1.32.0",
		"--set", "mail.existingSecret=relay", "--set", "mail.urlKey=url", "--set", "mail.from=ops@example.com",
		"--set", "networkPolicy.enabled=true", "--set", "mail.egress.cidr=192.0.2.25/32", "--set", "mail.egress.port=465",
	).CombinedOutput()
	if err != nil {
		t.Fatalf("helm template: %v\n%s", err, out)
	}
	path := filepath.Join(t.TempDir(), "mail.yaml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	objs, err := readObjects(path)
	if err != nil {
		t.Fatal(err)
	}
	ix := indexOf(objs)
	env := serverEnv(t, ix)
	if got := str(env["CARPOOL_SMTP_URL_FILE"]); got != "/etc/carpool/smtp/smtp-url" {
		t.Errorf("CARPOOL_SMTP_URL_FILE = %q, want /etc/carpool/smtp/smtp-url", got)
	}
	if _, ok := env["CARPOOL_SMTP_PASSWORD_FILE"]; ok {
		t.Errorf("CARPOOL_SMTP_PASSWORD_FILE set without mail.passwordKey")
	}
	if got := str(env["CARPOOL_MAIL_FROM"]); got != "ops@example.com" {
		t.Errorf("CARPOOL_MAIL_FROM = %q, want ops@example.com", got)
	}
	vol := podTemplates([]object{ix["Deployment/carpool"]})[0].volume("smtp")
	items := list(get(vol, "secret", "items"))
	if str(get(vol, "secret", "secretName")) != "relay" || len(items) != 1 ||
		str(mapOf(items[0])["key"]) != "url" || str(mapOf(items[0])["path"]) != "smtp-url" {
		t.Errorf("volume smtp = %v, want Secret relay with key url at smtp-url only", vol)
	}
	if smtpEgress(ix, 587) || !smtpEgress(ix, 465) {
		t.Errorf("server egress %v, want TCP 465 instead of 587", get(ix["NetworkPolicy/carpool-server"], "spec", "egress"))
	}
	found := false
	for _, rule := range list(get(ix["NetworkPolicy/carpool-server"], "spec", "egress")) {
		for _, to := range list(mapOf(rule)["to"]) {
			if str(get(to, "ipBlock", "cidr")) == "192.0.2.25/32" {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("server egress has no ipBlock 192.0.2.25/32 (mail.egress.cidr)")
	}
}
