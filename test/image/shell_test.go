//go:build image

package image_test

import (
	"archive/tar"
	"errors"
	"io"
	"path"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// shells are the names of programs that would give an attacker (or a debugging
// operator) a shell. Distroless means none of them, in any layer, anywhere.
var shells = map[string]bool{"sh": true, "bash": true, "dash": true, "ash": true, "zsh": true, "busybox": true}

// testNoShell reads every layer, not just the flattened result, so a shell deleted by a
// later layer still counts: it would still be pulled and could be restored.
func testNoShell(t *testing.T, img v1.Image) {
	layers, err := img.Layers()
	mustf(t, err, "layers")
	files := 0
	for i, l := range layers {
		rc, err := l.Uncompressed()
		mustf(t, err, "layer %d", i)
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				rc.Close()
				t.Fatalf("layer %d: %v", i, err)
			}
			files++
			name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
			if shells[path.Base(name)] {
				t.Errorf("layer %d holds %s (%c): want no shell in the image", i, name, h.Typeflag)
			}
		}
		rc.Close()
	}
	if files == 0 {
		t.Fatalf("read no file at all from %d layers", len(layers))
	}
}
