// Package image holds the end-to-end tests of carpool's container image and pull secret.
//
// The pull-secret tests run with every `go test ./...`. The image tests need the image tool
// chain and a running local registry, so they carry the build tag "image" and run from
// scripts/checks/60-image.sh, which builds the tools and starts the registry first:
//
//	scripts/registry-tools && scripts/registry start && go test -tags image ./test/image/
package image
