package main

import (
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// runConfig is what ko keeps from the base: it only replaces the entrypoint, appends to
// PATH and adds KO_DATA_PATH. WorkingDir /data is the point: carpool's SQLite default
// ("carpool.db" in the working directory) then lands on the volume, not on the read-only
// root filesystem.
func runConfig() v1.Config {
	return v1.Config{
		User:       fmt.Sprintf("%d:%d", nonroot, nonroot),
		WorkingDir: "/data",
		Volumes:    map[string]struct{}{"/data": {}},
		Env: []string{
			"PATH=/usr/local/bin:/usr/bin:/bin",
			"SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
		},
		Labels: map[string]string{
			"org.opencontainers.image.title":       "carpool-base",
			"org.opencontainers.image.description": "distroless-style static base: CA certificates, tzdata, nonroot 65532, /data volume, no shell",
		},
	}
}

// baseIndex wraps the layer in one image per platform and gathers them in an OCI index.
func baseIndex(layer v1.Layer, platforms []string) (v1.ImageIndex, error) {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range platforms {
		osName, arch, ok := strings.Cut(strings.TrimSpace(p), "/")
		if !ok || osName == "" || arch == "" {
			return nil, fmt.Errorf("platform %q: want os/arch", p)
		}
		img, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), layer)
		if err != nil {
			return nil, fmt.Errorf("platform %s: append layer: %w", p, err)
		}
		img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
		cfg, err := img.ConfigFile()
		if err != nil {
			return nil, fmt.Errorf("platform %s: config: %w", p, err)
		}
		cfg = cfg.DeepCopy()
		cfg.OS, cfg.Architecture = osName, arch
		cfg.Created = v1.Time{Time: epoch}
		cfg.Config = runConfig()
		img, err = mutate.ConfigFile(img, cfg)
		if err != nil {
			return nil, fmt.Errorf("platform %s: set config: %w", p, err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: osName, Architecture: arch}},
		})
	}
	return idx, nil
}
