//go:build image

package image_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// maxCompressedBytes is the size budget for the amd64 image as pulled.
const maxCompressedBytes = 25 << 20

// TestImage builds and pushes carpool's image with scripts/image, pulls it back and checks
// it from the outside, the way a cluster would see it.
func TestImage(t *testing.T) {
	reg := localRegistry(t)
	ref := buildAndPush(t, reg)
	t.Logf("pushed %s", ref)
	digestRef, err := name.NewDigest(ref)
	mustf(t, err, "parse %q", ref)

	t.Run("refuses pushes and pulls without valid credentials", func(t *testing.T) {
		testAuthEnforced(t, reg, digestRef)
	})

	idx, err := remote.Index(digestRef, reg.auth())
	mustf(t, err, "pull index %s", ref)
	images := platformImages(t, idx)

	t.Run("index has linux/amd64 and linux/arm64", func(t *testing.T) {
		for _, want := range []string{"linux/amd64", "linux/arm64"} {
			if _, ok := images[want]; !ok {
				t.Errorf("index %s: no image for %s; has %v", ref, want, keys(images))
			}
		}
	})
	amd64, ok := images["linux/amd64"]
	if !ok {
		t.Fatalf("no linux/amd64 image in %s", ref)
	}

	for _, p := range keys(images) {
		img := images[p]
		t.Run("config of "+p, func(t *testing.T) { testConfig(t, img, p) })
		t.Run("no shell in "+p, func(t *testing.T) { testNoShell(t, img) })
		t.Run("SBOM of "+p, func(t *testing.T) { testSBOM(t, reg, digestRef.Context(), img) })
	}
	t.Run("OCI labels", func(t *testing.T) { testLabels(t, amd64) })
	t.Run("amd64 compressed size", func(t *testing.T) { testSize(t, amd64) })
	t.Run("amd64 filesystem runs carpool", func(t *testing.T) { testRuns(t, amd64) })
}

// testAuthEnforced pushes a small random image anonymously and with a wrong password
// (both refused with 401, and nothing lands), then with the right credentials (accepted),
// so the refusals are known to come from authentication and not from something else.
func testAuthEnforced(t *testing.T, reg registry, carpool name.Digest) {
	scratch, err := name.NewTag(reg.addr + "/carpool/auth-probe:latest")
	mustf(t, err, "tag")
	probe, err := random.Image(512, 1)
	mustf(t, err, "random image")

	refusals := []struct {
		name string
		auth authn.Authenticator
	}{
		{"anonymous", authn.Anonymous},
		{"wrong password", &authn.Basic{Username: reg.user, Password: reg.password + "x"}},
		{"unknown user", &authn.Basic{Username: "intruder", Password: reg.password}},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			wantUnauthorized(t, "push", remote.Write(scratch, probe, remote.WithAuth(r.auth)))
			_, err := remote.Image(carpool, remote.WithAuth(r.auth))
			wantUnauthorized(t, "pull", err)
		})
	}
	if _, err := remote.Head(scratch, reg.auth()); err == nil {
		t.Errorf("an image reached %s although every push was refused", scratch)
	}
	mustf(t, remote.Write(scratch, probe, reg.auth()), "push %s with credentials", scratch)
	d, err := probe.Digest()
	mustf(t, err, "digest")
	t.Cleanup(func() { _ = remote.Delete(scratch.Context().Digest(d.String()), reg.auth()) })
}

func wantUnauthorized(t *testing.T, op string, err error) {
	t.Helper()
	var terr *transport.Error
	switch {
	case err == nil:
		t.Errorf("%s: got success, want 401 Unauthorized", op)
	case !errors.As(err, &terr):
		t.Errorf("%s: got %v, want a 401 from the registry", op, err)
	case terr.StatusCode != http.StatusUnauthorized:
		t.Errorf("%s: got status %d, want 401", op, terr.StatusCode)
	}
}

// platformImages maps "os/arch" to the image of each manifest in the index.
func platformImages(t *testing.T, idx v1.ImageIndex) map[string]v1.Image {
	t.Helper()
	m, err := idx.IndexManifest()
	mustf(t, err, "index manifest")
	out := map[string]v1.Image{}
	for _, d := range m.Manifests {
		if d.Platform == nil {
			continue
		}
		img, err := idx.Image(d.Digest)
		mustf(t, err, "image %s", d.Digest)
		out[d.Platform.OS+"/"+d.Platform.Architecture] = img
	}
	return out
}

// keys are sorted, so subtests run in the same order every time.
func keys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func testConfig(t *testing.T, img v1.Image, platform string) {
	cf, err := img.ConfigFile()
	mustf(t, err, "config")
	c := cf.Config
	if got := cf.OS + "/" + cf.Architecture; got != platform {
		t.Errorf("config platform: got %s, want %s", got, platform)
	}
	if uid, _, _ := strings.Cut(c.User, ":"); uid != "65532" {
		t.Errorf("user: got %q, want 65532 (numeric, so runAsNonRoot can verify it)", c.User)
	}
	if c.User != "65532:65532" {
		t.Errorf("user: got %q, want 65532:65532 from the base image", c.User)
	}
	if c.WorkingDir != "/data" {
		t.Errorf("working dir: got %q, want /data from the base image (the SQLite default lands there)", c.WorkingDir)
	}
	if _, ok := c.Volumes["/data"]; !ok {
		t.Errorf("volumes: got %v, want /data", c.Volumes)
	}
	if len(c.Entrypoint) != 1 || path.Base(c.Entrypoint[0]) != "carpool" {
		t.Errorf("entrypoint: got %q, want [/.../carpool]", c.Entrypoint)
	}
	if !hasEnv(c.Env, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt") {
		t.Errorf("env: got %q, want the base's SSL_CERT_FILE kept", c.Env)
	}
}

func hasEnv(env []string, kv string) bool {
	for _, e := range env {
		if e == kv {
			return true
		}
	}
	return false
}

// testLabels checks the org.opencontainers.image.* labels and that the revision names a
// commit of this repository. (Not necessarily HEAD: on a developer's machine others may
// commit while the image builds; `carpool version` is checked against the label.)
func testLabels(t *testing.T, img v1.Image) {
	cf, err := img.ConfigFile()
	mustf(t, err, "config")
	l := cf.Config.Labels
	for _, k := range []string{"title", "description", "version", "revision", "created", "base.name"} {
		if l["org.opencontainers.image."+k] == "" {
			t.Errorf("label org.opencontainers.image.%s: missing; labels %v", k, l)
		}
	}
	if got := l["org.opencontainers.image.title"]; got != "carpool" {
		t.Errorf("title label: got %q, want carpool", got)
	}
	if rev := l["org.opencontainers.image.revision"]; !isCommit(t, rev) {
		t.Errorf("revision label: got %q, want a commit of this repository", rev)
	}
}

// testSize adds up what a pull downloads for the amd64 image: its config and compressed
// layers.
func testSize(t *testing.T, img v1.Image) {
	m, err := img.Manifest()
	mustf(t, err, "manifest")
	total := m.Config.Size
	for _, l := range m.Layers {
		total += l.Size
	}
	t.Logf("compressed size of the linux/amd64 image: %d bytes (%.2f MiB) in %d layers", total, float64(total)/(1<<20), len(m.Layers))
	if total >= maxCompressedBytes {
		t.Errorf("compressed size: got %d bytes, want under %d", total, maxCompressedBytes)
	}
}

// testSBOM finds the SPDX SBOM that ko attaches next to each image, under the tag
// sha256-<digest>.sbom, and checks that it describes carpool's module.
func testSBOM(t *testing.T, reg registry, repo name.Repository, img v1.Image) {
	d, err := img.Digest()
	mustf(t, err, "digest")
	tag := repo.Tag(fmt.Sprintf("%s-%s.sbom", d.Algorithm, d.Hex))
	sbom, err := remote.Image(tag, reg.auth())
	mustf(t, err, "pull SBOM %s", tag)
	layers, err := sbom.Layers()
	mustf(t, err, "SBOM layers")
	if len(layers) != 1 {
		t.Fatalf("SBOM %s: got %d layers, want 1", tag, len(layers))
	}
	mt, err := layers[0].MediaType()
	mustf(t, err, "SBOM media type")
	if mt != "text/spdx+json" {
		t.Errorf("SBOM media type: got %q, want text/spdx+json", mt)
	}
	rc, err := layers[0].Uncompressed()
	mustf(t, err, "read SBOM")
	defer rc.Close()
	raw, err := io.ReadAll(rc)
	mustf(t, err, "read SBOM")
	var doc struct {
		SPDXVersion string `json:"spdxVersion"`
		Packages    []struct {
			Name string `json:"name"`
		} `json:"packages"`
	}
	mustf(t, json.Unmarshal(raw, &doc), "parse SBOM")
	if !strings.HasPrefix(doc.SPDXVersion, "SPDX-2.") {
		t.Errorf("spdxVersion: got %q, want SPDX-2.x", doc.SPDXVersion)
	}
	var names []string
	found := false
	for _, p := range doc.Packages {
		names = append(names, p.Name)
		found = found || p.Name == "carpool" || strings.HasPrefix(p.Name, "carpool/")
	}
	if !found {
		t.Errorf("SBOM packages: got %v, want carpool's module among them", names)
	}
}
