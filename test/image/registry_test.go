//go:build image

package image_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// registry is the local authenticated registry that scripts/registry runs.
type registry struct {
	addr     string // 127.0.0.1:PORT
	user     string
	password string
}

func (r registry) auth() remote.Option {
	return remote.WithAuth(&authn.Basic{Username: r.user, Password: r.password})
}

// imageTools are the binaries scripts/registry-tools builds into .cache/bin.
var imageTools = []string{"ko", "registry", "crane", "htpasswd", "base-image"}

// localRegistry finds the running registry: from the CARPOOL_REGISTRY* variables that
// `scripts/registry env` prints, else from the .cache/registry/env file it writes. It
// skips (fails in CI) when the tools or the registry are missing.
func localRegistry(t *testing.T) registry {
	t.Helper()
	root := repoRoot(t)
	for _, tool := range imageTools {
		if _, err := os.Stat(filepath.Join(root, ".cache/bin", tool)); err != nil {
			skipOrFail(t, "image tool %s missing in .cache/bin: run scripts/registry-tools (or scripts/checks/60-image.sh)", tool)
		}
	}
	env := map[string]string{}
	for _, k := range []string{"CARPOOL_REGISTRY", "CARPOOL_REGISTRY_USER", "CARPOOL_REGISTRY_PASSWORD_FILE"} {
		env[k] = os.Getenv(k)
	}
	if env["CARPOOL_REGISTRY"] == "" {
		f, err := os.Open(filepath.Join(root, ".cache/registry/env"))
		if err != nil {
			skipOrFail(t, "no local registry: CARPOOL_REGISTRY unset and %v; run scripts/registry start", err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), "="); ok {
				env[k] = v
			}
		}
	}
	password, err := os.ReadFile(env["CARPOOL_REGISTRY_PASSWORD_FILE"])
	if err != nil {
		skipOrFail(t, "registry password: %v", err)
	}
	r := registry{
		addr:     env["CARPOOL_REGISTRY"],
		user:     env["CARPOOL_REGISTRY_USER"],
		password: strings.TrimSpace(string(password)),
	}
	// The registry answers an anonymous /v2/ with 401 when it is up with auth on.
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + r.addr + "/v2/")
	if err != nil {
		skipOrFail(t, "local registry at %s does not answer: %v; run scripts/registry start", r.addr, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous GET /v2/ at %s: got %d, want 401 (is authentication off?)", r.addr, resp.StatusCode)
	}
	return r
}

// buildAndPush runs scripts/image, the way a developer or a release does, and returns
// the repository@digest it prints.
func buildAndPush(t *testing.T, r registry) string {
	t.Helper()
	// scripts/image finds (or starts) the registry itself, as for a developer.
	cmd := exec.Command(filepath.Join(repoRoot(t), "scripts/image"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("scripts/image: %v\n%s", err, stderr.String())
	}
	lines := strings.Fields(stdout.String())
	if len(lines) != 1 {
		t.Fatalf("scripts/image: got stdout %q, want one image reference\nstderr:\n%s", stdout.String(), stderr.String())
	}
	ref := lines[0]
	if !strings.HasPrefix(ref, r.addr+"/") || !strings.Contains(ref, "@sha256:") {
		t.Fatalf("scripts/image printed %q, want %s/...@sha256:...", ref, r.addr)
	}
	return ref
}

// isCommit reports whether rev is a full commit id of this repository.
func isCommit(t *testing.T, rev string) bool {
	t.Helper()
	if len(rev) != 40 {
		return false
	}
	return exec.Command("git", "-C", repoRoot(t), "cat-file", "-e", rev+"^{commit}").Run() == nil
}

func mustf(t *testing.T, err error, format string, args ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", fmt.Sprintf(format, args...), err)
	}
}
