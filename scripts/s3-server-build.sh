#!/usr/bin/env bash
# Builds versitygw, the S3-compatible server (POSIX backend) that the backup tests upload
# to, into .cache/bin. Idempotent: a build of the pinned version is reused. It is a tool,
# so it never enters the main module's go.mod.
set -euo pipefail
cd "$(dirname "$0")/.."

version=v1.8.0
. scripts/lib/tool-bin.sh
bin=$(tool_bin "$(pwd)")
stamp="$bin/versitygw.version"

if [ -x "$bin/versitygw" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
	echo "versitygw $version present: $bin/versitygw"
	exit 0
fi
echo "building versitygw $version into $bin (first time takes a few minutes)"
GOBIN="$bin" CGO_ENABLED=0 GOFLAGS=-buildvcs=false go install "github.com/versity/versitygw/cmd/versitygw@$version"
echo "$version" >"$stamp"
echo "versitygw $version built: $bin/versitygw"
