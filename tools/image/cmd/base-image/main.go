// Command base-image makes carpool's distroless-style base image and pushes it as a
// multi-platform index. No registry outside this machine can be reached, so the base that
// ko builds onto is made here from files the machine already has: CA certificates, a
// passwd/group pair with the nonroot user 65532, time zone data, and an empty /data
// volume owned by 65532 where the SQLite default lands on a read-only root filesystem.
// There is no shell and no package manager in it.
//
// Usage:
//
//	base-image -ref 127.0.0.1:5005/carpool/base:nonroot
//
// Credentials come from the Docker config (DOCKER_CONFIG), as for ko and crane.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "base-image:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		ref       = flag.String("ref", "", "where to push the base index, e.g. 127.0.0.1:5005/carpool/base:nonroot")
		caFile    = flag.String("ca-certificates", "/etc/ssl/certs/ca-certificates.crt", "PEM bundle copied to /etc/ssl/certs/ca-certificates.crt")
		zoneinfo  = flag.String("zoneinfo", "/usr/share/zoneinfo", "time zone database copied to /usr/share/zoneinfo (empty: none)")
		platforms = flag.String("platforms", "linux/amd64,linux/arm64", "comma-separated os/arch list")
	)
	flag.Parse()
	if *ref == "" {
		return fmt.Errorf("-ref is required")
	}
	tag, err := name.ParseReference(*ref)
	if err != nil {
		return fmt.Errorf("parse -ref: %w", err)
	}

	layer, err := rootfsLayer(rootfsSpec{caFile: *caFile, zoneinfo: *zoneinfo})
	if err != nil {
		return fmt.Errorf("make root filesystem: %w", err)
	}
	idx, err := baseIndex(layer, strings.Split(*platforms, ","))
	if err != nil {
		return fmt.Errorf("make index: %w", err)
	}
	if err := remote.WriteIndex(tag, idx, remote.WithAuthFromKeychain(authn.DefaultKeychain)); err != nil {
		return fmt.Errorf("push %s: %w", tag, err)
	}
	digest, err := idx.Digest()
	if err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	fmt.Printf("%s@%s\n", tag.Context(), digest)
	return nil
}
