package image_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var pullSecretBin struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if pullSecretBin.dir != "" {
		os.RemoveAll(pullSecretBin.dir)
	}
	os.Exit(code)
}

// pullSecret builds carpool/tools/pull-secret once per test binary and runs it.
func pullSecret(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	pullSecretBin.once.Do(func() {
		pullSecretBin.dir, pullSecretBin.err = os.MkdirTemp("", "pull-secret-")
		if pullSecretBin.err != nil {
			return
		}
		pullSecretBin.path = filepath.Join(pullSecretBin.dir, "pull-secret")
		cmd := exec.Command("go", "build", "-o", pullSecretBin.path, "./tools/pull-secret")
		cmd.Dir = repoRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			pullSecretBin.err = fmt.Errorf("%w\n%s", err, out)
		}
	})
	if pullSecretBin.err != nil {
		t.Fatalf("build tools/pull-secret: %v", pullSecretBin.err)
	}
	cmd := exec.Command(pullSecretBin.path, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stderr.String(), err
	}
	return stdout.String(), nil
}

type dockerAuth struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Email    string `json:"email"`
	Auth     string `json:"auth"`
}

// decodeSecret reads the fields a kubelet reads from the manifest: the type, the name and
// the credentials inside .dockerconfigjson.
func decodeSecret(t *testing.T, manifest string) (typ, name, namespace string, auths map[string]dockerAuth) {
	t.Helper()
	field := func(re string) string {
		m := regexp.MustCompile(`(?m)` + re).FindStringSubmatch(manifest)
		if m == nil {
			return ""
		}
		return m[1]
	}
	if got := field(`^kind: (\S+)$`); got != "Secret" {
		t.Fatalf("kind: got %q, want Secret\n%s", got, manifest)
	}
	raw, err := base64.StdEncoding.DecodeString(field(`^  \.dockerconfigjson: (\S+)$`))
	if err != nil {
		t.Fatalf("decode .dockerconfigjson: %v\n%s", err, manifest)
	}
	var cfg struct {
		Auths map[string]dockerAuth `json:"auths"`
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatalf("parse .dockerconfigjson %s: %v", raw, err)
	}
	return field(`^type: (\S+)$`), field(`^  name: (\S+)$`), field(`^  namespace: (\S+)$`), cfg.Auths
}

func TestPullSecretDecodesToItsInputs(t *testing.T) {
	tests := []struct {
		name, secret, namespace, server, user, password, email string
		stdin                                                  bool
	}{
		{name: "plain", secret: "regcred", server: "127.0.0.1:5005", user: "carpool", password: "s3cret"},
		{name: "namespace and email", secret: "carpool-registry", namespace: "carpool", server: "registry.example.com", user: "ci-bot", password: "pw", email: "ops@example.com"},
		{name: "password needing JSON escapes", secret: "x.y", server: "reg.local:443", user: "u", password: `p"a:s\s<&>ü`},
		{name: "password from stdin", secret: "regcred", server: "127.0.0.1:5005", user: "carpool", password: "from stdin with spaces", stdin: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"--docker-server=" + tt.server, "--docker-username=" + tt.user}
			stdin := ""
			if tt.stdin {
				args, stdin = append(args, "--docker-password-stdin"), tt.password+"\n"
			} else {
				args = append(args, "--docker-password="+tt.password)
			}
			if tt.namespace != "" {
				args = append(args, "-n", tt.namespace)
			}
			if tt.email != "" {
				args = append(args, "--docker-email="+tt.email)
			}
			out, err := pullSecret(t, stdin, append(args, tt.secret)...)
			if err != nil {
				t.Fatalf("pull-secret: %v: %s", err, out)
			}
			typ, name, namespace, auths := decodeSecret(t, out)
			if typ != "kubernetes.io/dockerconfigjson" {
				t.Errorf("type: got %q, want kubernetes.io/dockerconfigjson", typ)
			}
			if name != tt.secret || namespace != tt.namespace {
				t.Errorf("metadata: got %q in %q, want %q in %q", name, namespace, tt.secret, tt.namespace)
			}
			if len(auths) != 1 {
				t.Fatalf("auths: got %d registries, want 1: %v", len(auths), auths)
			}
			a, ok := auths[tt.server]
			if !ok {
				t.Fatalf("auths: no entry for %q: %v", tt.server, auths)
			}
			if a.Username != tt.user || a.Password != tt.password || a.Email != tt.email {
				t.Errorf("credentials: got %q/%q/%q, want %q/%q/%q", a.Username, a.Password, a.Email, tt.user, tt.password, tt.email)
			}
			basic, err := base64.StdEncoding.DecodeString(a.Auth)
			if err != nil || string(basic) != tt.user+":"+tt.password {
				t.Errorf("auth: got %q (%v), want base64 of %q", basic, err, tt.user+":"+tt.password)
			}
		})
	}
}

func TestPullSecretMatchesKubectl(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		skipOrFail(t, "kubectl is not on PATH, cannot compare with its output")
	}
	tests := []struct {
		name string
		args []string
	}{
		{name: "plain", args: []string{"--docker-server=127.0.0.1:5005", "--docker-username=carpool", "--docker-password=s3cret", "regcred"}},
		{name: "namespace and email", args: []string{"-n", "carpool", "--docker-server=registry.example.com", "--docker-username=ci", "--docker-password=p\"a:s\\s<&>", "--docker-email=ops@example.com", "carpool-registry"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pullSecret(t, "", tt.args...)
			if err != nil {
				t.Fatalf("pull-secret: %v: %s", err, got)
			}
			kargs := append([]string{"create", "secret", "docker-registry"}, tt.args...)
			kargs = append(kargs, "--dry-run=client", "-o", "yaml")
			want, err := exec.Command(kubectl, kargs...).Output()
			if err != nil {
				t.Fatalf("kubectl %v: %v", kargs, err)
			}
			if got != string(want) {
				t.Errorf("manifest differs from kubectl's:\ngot:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestPullSecretRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{name: "no name", args: []string{"--docker-server=r", "--docker-username=u", "--docker-password=p"}},
		{name: "upper-case name", args: []string{"--docker-server=r", "--docker-username=u", "--docker-password=p", "RegCred"}},
		{name: "no server", args: []string{"--docker-username=u", "--docker-password=p", "regcred"}},
		{name: "no password", args: []string{"--docker-server=r", "--docker-username=u", "regcred"}},
		{name: "colon in user", args: []string{"--docker-server=r", "--docker-username=a:b", "--docker-password=p", "regcred"}},
		{name: "bad namespace", args: []string{"-n", "a.b", "--docker-server=r", "--docker-username=u", "--docker-password=p", "regcred"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if out, err := pullSecret(t, "", tt.args...); err == nil {
				t.Errorf("pull-secret %v: got success, want an error; output:\n%s", tt.args, out)
			}
		})
	}
}
