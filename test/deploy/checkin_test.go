package deploy_test

import (
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// checkinFile is where the server reads the check-in secret from.
const checkinFile = "/etc/carpool/checkin/checkin-secret"

// TestCheckinSecretIsSharedByEveryReplica: every rendering gives the server one
// check-in secret for all its replicas, from a Secret mounted as a file (never a plain
// variable, and never left to each pod's random one, which would make replicas refuse
// each other's QR codes). The Secret is rendered, with at least 32 characters, or is one
// the operator creates (external); the chart keeps its own across upgrades and uninstall.
func TestCheckinSecretIsSharedByEveryReplica(t *testing.T) {
	forEachVariant(t, func(t *testing.T, objs []object, ix index) {
		v := strings.TrimPrefix(t.Name(), "TestCheckinSecretIsSharedByEveryReplica/")
		env := serverEnv(t, ix)
		if _, ok := env["CARPOOL_CHECKIN_SECRET"]; ok {
			t.Errorf("server gets CARPOOL_CHECKIN_SECRET as a variable, want it only as a file")
		}
		if got := str(env["CARPOOL_CHECKIN_SECRET_FILE"]); got != checkinFile {
			t.Fatalf("server CARPOOL_CHECKIN_SECRET_FILE = %q, want %q", got, checkinFile)
		}
		pod := podTemplates([]object{ix["Deployment/carpool"]})[0]
		vol := pod.volume("checkin")
		secret := str(get(vol, "secret", "secretName"))
		if secret != "carpool-checkin" {
			t.Errorf("volume checkin comes from Secret %q, want carpool-checkin", secret)
		}
		items := list(get(vol, "secret", "items"))
		if len(items) != 1 || str(mapOf(items[0])["key"]) != "checkin-secret" || str(mapOf(items[0])["path"]) != "checkin-secret" {
			t.Errorf("volume checkin items: got %v, want key checkin-secret at checkin-secret", items)
		}
		mounted := false
		for _, c := range pod.containers(false) {
			if str(c["name"]) != "carpool" {
				continue
			}
			for _, m := range list(c["volumeMounts"]) {
				m := mapOf(m)
				mounted = mounted || str(m["name"]) == "checkin" && str(m["mountPath"]) == "/etc/carpool/checkin" && m["readOnly"] == true
			}
		}
		if !mounted {
			t.Errorf("container carpool does not mount volume checkin read-only at /etc/carpool/checkin")
		}
		s, rendered := ix["Secret/"+secret]
		if !rendered {
			if !slices.Contains(external[v], "Secret/"+secret) {
				t.Errorf("Secret %s is neither rendered nor listed as one the operator creates", secret)
			}
			return
		}
		value, err := base64.StdEncoding.DecodeString(str(mapOf(s["data"])["checkin-secret"]))
		if err != nil || len(value) < 32 {
			t.Errorf("Secret %s key checkin-secret: %d characters (%v), want at least 32", secret, len(value), err)
		}
		if strings.HasPrefix(v, "helm-") && str(s.annotations()["helm.sh/resource-policy"]) != "keep" {
			t.Errorf("the chart's Secret %s is not kept on uninstall: printed codes would stop working", secret)
		}
	})
}

// TestChartCheckinSecret: the chart makes a random secret of its own when none is given
// (each rendering without a live Secret draws a new one: an upgrade keeps the live one
// through lookup), and with checkin.existingSecret renders none and mounts that one.
func TestChartCheckinSecret(t *testing.T) {
	render(t) // installs helm into .cache/bin when missing
	template := func(t *testing.T, args ...string) index {
		t.Helper()
		root := repoRoot()
		out, err := exec.Command(filepath.Join(root, ".cache", "bin", "helm"), append([]string{"template", "carpool",
			filepath.Join(root, "deploy", "helm", "carpool"), "--namespace", "carpool", "--kube-version", "1.32.0"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("helm template: %v\n%s", err, out)
		}
		path := filepath.Join(t.TempDir(), "checkin.yaml")
		if err := os.WriteFile(path, out, 0o600); err != nil {
			t.Fatal(err)
		}
		objs, err := readObjects(path)
		if err != nil {
			t.Fatal(err)
		}
		return indexOf(objs)
	}
	first, second := template(t), template(t)
	a := str(mapOf(first["Secret/carpool-checkin"]["data"])["checkin-secret"])
	b := str(mapOf(second["Secret/carpool-checkin"]["data"])["checkin-secret"])
	if a == "" || a == b {
		t.Errorf("two renderings without a live Secret: got %q and %q, want two random secrets", a, b)
	}

	own := template(t, "--set", "checkin.existingSecret=gate-codes")
	if _, ok := own["Secret/carpool-checkin"]; ok {
		t.Errorf("the chart renders Secret/carpool-checkin although checkin.existingSecret is set")
	}
	vol := podTemplates([]object{own["Deployment/carpool"]})[0].volume("checkin")
	if got := str(get(vol, "secret", "secretName")); got != "gate-codes" {
		t.Errorf("volume checkin comes from Secret %q, want gate-codes", got)
	}
	if got := str(serverEnv(t, own)["CARPOOL_CHECKIN_SECRET_FILE"]); got != checkinFile {
		t.Errorf("CARPOOL_CHECKIN_SECRET_FILE = %q, want %q", got, checkinFile)
	}
}
