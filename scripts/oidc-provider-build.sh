#!/usr/bin/env bash
# Builds the example OpenID provider of github.com/zitadel/oidc (the version pinned in
# tools/oidc-provider/go.mod) into .cache/bin/oidc-provider-<version>, which the single
# sign-on tests start on loopback. Idempotent: a build of that version whose stamp matches
# the tools module and this script is kept. Prints the binary's path last.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mod="$top/tools/oidc-provider"
version=$(cd "$mod" && go list -m -f '{{.Version}}' github.com/zitadel/oidc/v3)
. "$top/scripts/lib/tool-bin.sh"
bin="$(tool_bin "$top")/oidc-provider-$version"
stamp="$bin.stamp"
want=$(cat "$mod/go.mod" "$mod/go.sum" "$0" | sha256sum | cut -d' ' -f1)

if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "oidc-provider: up to date" >&2
  echo "$bin"
  exit 0
fi
echo "oidc-provider: building github.com/zitadel/oidc/v3 $version example/server" >&2
start=$(date +%s)
(cd "$mod" && CGO_ENABLED=0 go build -trimpath -o "$bin.tmp" github.com/zitadel/oidc/v3/example/server)
mv "$bin.tmp" "$bin"
echo "$want" >"$stamp"
echo "oidc-provider: built in $(( $(date +%s) - start ))s" >&2
echo "$bin"
