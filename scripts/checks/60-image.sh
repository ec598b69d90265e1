#!/usr/bin/env bash
# Proves carpool's container image end to end without a Docker daemon:
#  1. builds the image tools from tools/image into .cache/bin (ko, registry, crane, ...);
#  2. starts the local distribution registry with htpasswd auth on 127.0.0.1, unless one
#     already runs, and stops it again at exit if this script started it;
#  3. runs test/image with CI=1 (no skipping): scripts/image builds and pushes with
#     credentials, unauthenticated pushes are refused, and the pulled image is checked
#     (platforms, user, entrypoint, no shell, SBOM, labels, size) and run (version, serve,
#     /readyz) as user 65532; the pull-secret tests run there too;
#  4. prints the pushed reference and the amd64 compressed size.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

step() { echo "-- $*"; }

step "image tools"
scripts/registry-tools

started=""
if ! scripts/registry status; then
	started=1
fi
cleanup() {
	if [ -n "$started" ]; then scripts/registry stop || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "registry"
eval "$(scripts/registry start)"
export CARPOOL_REGISTRY CARPOOL_REGISTRY_USER CARPOOL_REGISTRY_PASSWORD_FILE DOCKER_CONFIG

step "go test -tags image ./test/image (CI=1: nothing may skip)"
log=$(mktemp "${TMPDIR:-/tmp}/carpool-image-test.XXXXXX")
trap 'cleanup; rm -f "$log"' EXIT
CI=1 CGO_ENABLED=0 go test -trimpath -tags image -count=1 -v -timeout 30m ./test/image/ 2>&1 | tee "$log"

step "figures"
grep -E "pushed [^ ]+@sha256:|compressed size of the linux/amd64 image" "$log" | sed 's/^ *[^ ]*_test.go:[0-9]*: /   /'
