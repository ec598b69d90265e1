#!/usr/bin/env bash
# Builds Mailpit, the SMTP server with an HTTP API that the mail tests send to, into
# .cache/bin. Idempotent: a build of the pinned version is reused. It is a tool, so it
# never enters the main module's go.mod.
set -euo pipefail
cd "$(dirname "$0")/.."

version=v1.33.1
. scripts/lib/tool-bin.sh
bin=$(tool_bin "$(pwd)")
stamp="$bin/mailpit.version"

if [ -x "$bin/mailpit" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
	echo "mailpit $version present: $bin/mailpit"
	exit 0
fi
echo "building mailpit $version into $bin (first time takes a few minutes)"
GOBIN="$bin" CGO_ENABLED=0 GOFLAGS=-buildvcs=false go install "github.com/axllent/mailpit@$version"
echo "$version" >"$stamp"
echo "mailpit $version built: $bin/mailpit"
